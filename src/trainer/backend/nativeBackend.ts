import * as tf from '@tensorflow/tfjs-core'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import {
  backendPackages,
  installHint as sharedInstallHint,
  type NativeBackendName,
} from '../../shared/backends/backendNames'

/**
 * The TensorFlow (libtensorflow) backends, from the optional packages @tensorflow/tfjs-node and
 * @tensorflow/tfjs-node-gpu. Both register a backend named `tensorflow` on import and make it current.
 *
 * One tfjs-core: tfjs-node imports `@tensorflow/tfjs`, which imports `@tensorflow/tfjs-core`. When the
 * versions match ours (4.22.0), npm dedupes them to the one copy the trainer imports, so the backend
 * lands in the engine every `import * as tf from '@tensorflow/tfjs-core'` uses. tfjs-core also keeps its
 * engine and kernel registry on `globalThis`, so even a nested copy of the same version shares them;
 * a copy of another version is refused below (its kernels may not match our ops).
 */

export type { NativeBackendName }

export const nativePackages: Readonly<Record<NativeBackendName, string>> = {
  'tensorflow-gpu': backendPackages['tensorflow-gpu'],
  tensorflow: backendPackages.tensorflow,
}

/** What to run to get a native backend, said in every error about one. */
export function installHint(name: NativeBackendName): string {
  return sharedInstallHint(name, tf.version_core)
}

/** How packages are found and loaded; tests substitute their own. */
export interface PackageLoader {
  /** Absolute path of `<name>/package.json` as resolved from `fromDir` (or from us), or null if absent. */
  resolvePackageJson(name: string, fromDir?: string): string | null
  readVersion(packageJsonPath: string): string
  importPackage(name: string): Promise<unknown>
}

const requireFromHere = createRequire(import.meta.url)

export const nodePackageLoader: PackageLoader = {
  resolvePackageJson(name, fromDir) {
    try {
      const resolve = fromDir === undefined ? requireFromHere.resolve : createRequire(`${fromDir}/`).resolve
      return resolve(`${name}/package.json`)
    } catch {
      return null
    }
  },
  readVersion(path) {
    const { version } = JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown }
    return typeof version === 'string' ? version : 'unknown'
  },
  importPackage: (name) => import(/* @vite-ignore */ name),
}

export interface NativeProbe {
  installed: boolean
  version?: string
  /** Why it cannot be used, found without loading it. */
  problem?: string
}

/** Looks for the package and the tfjs-core it would use, without loading native code. */
export function probeNativePackage(
  name: NativeBackendName,
  loader: PackageLoader = nodePackageLoader,
): NativeProbe {
  const packageName = nativePackages[name]
  const packageJson = loader.resolvePackageJson(packageName)
  if (packageJson === null) return { installed: false, problem: `${packageName} is not installed` }
  const version = loader.readVersion(packageJson)
  const tfjsJson = loader.resolvePackageJson('@tensorflow/tfjs', dirname(packageJson))
  const theirCore =
    tfjsJson === null ? null : loader.resolvePackageJson('@tensorflow/tfjs-core', dirname(tfjsJson))
  const ourCore = loader.resolvePackageJson('@tensorflow/tfjs-core')
  if (theirCore !== null && ourCore !== null && theirCore !== ourCore) {
    const theirs = loader.readVersion(theirCore)
    const ours = loader.readVersion(ourCore)
    if (theirs !== ours) {
      return {
        installed: true,
        version,
        problem:
          `${packageName} ${version} brings its own @tensorflow/tfjs-core ${theirs}, but the trainer uses ${ours}: ` +
          `install ${packageName}@${ours} so npm keeps a single tfjs-core`,
      }
    }
  }
  return { installed: true, version }
}

export type NativeLoad =
  | { ok: true; version: string; usingGpu: boolean }
  | { ok: false; installed: boolean; version?: string; reason: string }

export interface LoadedNative {
  packageName: string
  version: string
  usingGpu: boolean
}

/** Per loader, so a test's fake packages never pretend the real ones were loaded. */
const loadedBy = new WeakMap<PackageLoader, LoadedNative>()

/**
 * Imports the package (which registers and selects `tensorflow`) and checks it runs. Only one of the
 * two can live in a process (each brings its own libtensorflow), so once one is loaded the other is
 * refused. A GPU package that finds no CUDA device still loads and runs TensorFlow on the CPU:
 * `usingGpu` tells the two apart.
 */
export async function loadNativeBackend(
  name: NativeBackendName,
  loader: PackageLoader = nodePackageLoader,
): Promise<NativeLoad> {
  const packageName = nativePackages[name]
  const loaded = loadedBy.get(loader) ?? null
  if (loaded !== null && loaded.packageName !== packageName) {
    return { ok: false, installed: true, reason: `${loaded.packageName} is already loaded in this process` }
  }
  const probe = probeNativePackage(name, loader)
  if (!probe.installed || probe.problem !== undefined) {
    return {
      ok: false,
      installed: probe.installed,
      ...(probe.version ? { version: probe.version } : {}),
      reason: probe.problem!,
    }
  }
  const version = probe.version!
  if (loaded === null) {
    try {
      await loader.importPackage(packageName)
    } catch (error) {
      return {
        ok: false,
        installed: true,
        version,
        reason: `${packageName} ${version} failed to load: ${firstLine(error)}`,
      }
    }
  }
  try {
    if (!(await tf.setBackend('tensorflow'))) throw new Error('the tensorflow backend did not initialise')
  } catch (error) {
    return {
      ok: false,
      installed: true,
      version,
      reason: `${packageName} ${version} loaded but failed to start: ${firstLine(error)}`,
    }
  }
  const usingGpu = (tf.backend() as { isUsingGpuDevice?: unknown }).isUsingGpuDevice === true
  loadedBy.set(loader, { packageName, version, usingGpu })
  return { ok: true, version, usingGpu }
}

/** Which native package this process loaded, if any. */
export function loadedNativePackage(loader: PackageLoader = nodePackageLoader): LoadedNative | null {
  return loadedBy.get(loader) ?? null
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.split('\n')[0]!.trim()
}
