// Single-file components as modules for the typecheck (no top-level import, or this stops being global).
declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

// Stylesheets imported for their side effect (Vite bundles them).
declare module '*.css'
