// Runtime boundary: this runtime may not import tfjs (see src/<runtime>/tsconfig.json "paths").
// Deliberately not a module, so any import of it fails the typecheck with this file's name.
declare const __runtimeBoundary_tfjs: never
