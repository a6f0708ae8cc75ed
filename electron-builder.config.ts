import type { Configuration } from 'electron-builder'

/**
 * Installers for Linux (AppImage, deb), macOS (dmg, zip) and Windows (NSIS): `npm run dist` on each
 * platform after `npm install` (electron-builder downloads Electron and its packaging tools, so it needs
 * the internet). tests/packaging/electronBuilderConfig.test.ts checks this file's shape.
 */
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
  // Native addons and wasm must be real files: the OS loads them with dlopen or streaming reads.
  asarUnpack: ['**/*.node', 'node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm'],
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
