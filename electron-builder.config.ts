import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Configuration } from 'electron-builder'

/**
 * Installers for Linux (AppImage, deb), macOS (dmg, zip) and Windows (NSIS): `npm run dist` on each
 * platform after `npm install` (electron-builder downloads Electron and its packaging tools, so it needs
 * the internet). tests/packaging/electronBuilderConfig.test.ts checks this file's shape.
 */
/**
 * The packages the trainer bundle (out/main/trainer.js and its chunks) imports. webgpu trainers run on the
 * system Node.js (docs/gpu-desktop.md), which cannot read inside app.asar: the bundle and every package
 * it loads, with their dependencies, must be real files in app.asar.unpacked.
 * tests/packaging/electronBuilderConfig.test.ts fails when the bundle imports a package not listed here.
 */
export const trainerPackages = [
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-backend-webgpu',
  '@tensorflow/tfjs-layers',
  'webgpu',
  'zod',
  'undici',
  'protobufjs',
  'onnxruntime-node',
] as const

/** `packages` and everything they depend on that is installed (optional ones may be absent). */
export function installedClosure(packages: readonly string[], root = __dirname): string[] {
  const found = new Set<string>()
  const queue = [...packages]
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    const manifest = join(root, 'node_modules', name, 'package.json')
    if (found.has(name) || !existsSync(manifest)) continue
    found.add(name)
    const { dependencies = {}, optionalDependencies = {} } = JSON.parse(readFileSync(manifest, 'utf8')) as {
      dependencies?: Record<string, string>
      optionalDependencies?: Record<string, string>
    }
    queue.push(...Object.keys(dependencies), ...Object.keys(optionalDependencies))
  }
  return [...found].sort()
}

const config: Configuration = {
  appId: 'org.chase-workbench.desktop',
  productName: 'Chase Workbench',
  directories: { output: 'dist', buildResources: 'build' },
  // The bundles electron-vite built, plus the runtime dependencies electron-builder adds itself.
  files: [
    'out/**',
    'package.json',
    '!**/*.map',
    // Native TensorFlow needs a libtensorflow for the target platform; installers use wasm instead.
    '!node_modules/@tensorflow/tfjs-node{,-gpu}/**',
  ],
  asar: true,
  // Native addons and wasm must be real files: the OS loads them with dlopen or streaming reads. The
  // trainer bundle and its packages too, for webgpu trainers on the system Node.js.
  asarUnpack: [
    '**/*.node',
    'node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm',
    'out/main/trainer.js',
    'out/main/chunks/**',
    ...installedClosure(trainerPackages).map((name) => `node_modules/${name}/**`),
  ],
  // better-sqlite3 13 ships Node-API prebuilts for every target, which Electron loads as they are.
  npmRebuild: false,
  electronFuses: {
    runAsNode: false, // trainers are utility processes, not ELECTRON_RUN_AS_NODE forks
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false, // the renderer comes from app://, never file://
  },
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Science',
    maintainer: 'Chase Workbench contributors',
  },
  mac: {
    target: ['dmg', 'zip'],
    category: 'public.app-category.developer-tools',
    hardenedRuntime: true,
  },
  win: { target: ['nsis'] },
  nsis: { oneClick: false, allowToChangeInstallationDirectory: true },
}

export default config
