import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { cpus, hostname, totalmem } from 'node:os'
import { appVersion } from './appVersion'
import type { BackendAvailability } from '../../shared/api/systemInfo'
import { backendNames, backendPackages, installHint } from '../../shared/backends/backendNames'

const requireFromHere = createRequire(import.meta.url)

export { appVersion } from './appVersion'

/** A package's installed version, or undefined when it is not installed (optional dependencies). */
export function packageVersion(name: string): string | undefined {
  try {
    const path = requireFromHere.resolve(`${name}/package.json`)
    return (JSON.parse(readFileSync(path, 'utf8')) as { version?: string }).version
  } catch {
    return undefined
  }
}

/**
 * Which compute backends are installed, found without loading tfjs into the host. Installed is not
 * started: `doctor` starts each one and says why one that is installed does not run.
 */
export function backendAvailability(): BackendAvailability[] {
  const coreVersion = packageVersion('@tensorflow/tfjs-core') ?? 'latest'
  return backendNames.map((name) => {
    const pkg = backendPackages[name]
    const version = packageVersion(pkg)
    return version
      ? { name, available: true, detail: `${pkg} ${version}` }
      : { name, available: false, detail: `${pkg} is not installed: ${installHint(name, coreVersion)}` }
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
