import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { cpus, hostname, totalmem } from 'node:os'
import type { BackendAvailability } from '../../shared/api/systemInfo'

const require = createRequire(import.meta.url)

export const appVersion = '0.1.0'

/** A package's installed version, or undefined when it is not installed (optional dependencies). */
export function packageVersion(name: string): string | undefined {
  try {
    const path = require.resolve(`${name}/package.json`)
    return (JSON.parse(readFileSync(path, 'utf8')) as { version?: string }).version
  } catch {
    return undefined
  }
}

const backendPackages = [
  [
    'tensorflow-gpu',
    '@tensorflow/tfjs-node-gpu',
    'needs CUDA 11.2 + cuDNN 8.1: npm install @tensorflow/tfjs-node-gpu',
  ],
  ['tensorflow', '@tensorflow/tfjs-node', 'npm install @tensorflow/tfjs-node (downloads libtensorflow)'],
  ['wasm', '@tensorflow/tfjs-backend-wasm', 'npm install @tensorflow/tfjs-backend-wasm'],
  ['cpu', '@tensorflow/tfjs-backend-cpu', 'npm install @tensorflow/tfjs-backend-cpu'],
] as const

/** Which compute backends are installed, found without loading tfjs into the host. */
export function backendAvailability(): BackendAvailability[] {
  return backendPackages.map(([name, pkg, install]) => {
    const version = packageVersion(pkg)
    return version
      ? { name, available: true, detail: `${pkg} ${version}` }
      : { name, available: false, detail: `${pkg} is not installed (${install})` }
  })
}

/** Versions recorded on every run and shown by `system.info`. */
export function hostVersions(sqliteVersion: string): Record<string, string> {
  const versions: Record<string, string> = {
    app: appVersion,
    node: process.versions.node,
    sqlite: sqliteVersion,
  }
  if (process.versions.electron) versions.electron = process.versions.electron
  for (const [key, pkg] of [
    ['tfjs', '@tensorflow/tfjs-core'],
    ['better-sqlite3', 'better-sqlite3'],
  ] as const) {
    const version = packageVersion(pkg)
    if (version) versions[key] = version
  }
  return versions
}

export function machine() {
  const list = cpus()
  return {
    platform: process.platform,
    arch: process.arch,
    cpus: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryBytes: totalmem(),
    hostname: hostname(),
  }
}
