import * as tf from '@tensorflow/tfjs-core'
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu'
import type { PackageLoader } from '../../../src/trainer/backend/nativeBackend'

/**
 * A stand-in for node_modules holding (or not) the native packages. "Importing" one registers a
 * `tensorflow` backend the way tfjs-node does: on the global engine, with kernels, selected at once.
 */
export function fakePackages(options: {
  installed?: Record<string, string>
  nestedCore?: string
  importFails?: string
  usingGpu?: boolean
}): PackageLoader & { imported: string[] } {
  const installed: Record<string, string> = {
    '@tensorflow/tfjs-core': tf.version_core,
    '@tensorflow/tfjs': '4.22.0',
    ...options.installed,
  }
  const imported: string[] = []
  return {
    imported,
    resolvePackageJson(name, fromDir) {
      // tfjs-node → @tensorflow/tfjs → (nested, when versions differ) its own @tensorflow/tfjs-core
      if (
        name === '@tensorflow/tfjs-core' &&
        fromDir === '/app/node_modules/@tensorflow/tfjs' &&
        options.nestedCore
      ) {
        return '/app/node_modules/@tensorflow/tfjs/node_modules/@tensorflow/tfjs-core/package.json'
      }
      return name in installed ? `/app/node_modules/${name}/package.json` : null
    },
    readVersion(path) {
      if (path.includes('/tfjs/node_modules/@tensorflow/tfjs-core/')) return options.nestedCore!
      const name = Object.keys(installed).find((n) => path === `/app/node_modules/${n}/package.json`)
      return name ? installed[name]! : 'unknown'
    },
    async importPackage(name) {
      imported.push(name)
      if (options.importFails) throw new Error(`${options.importFails}\n    at binding.node`)
      class FakeTensorflowBackend extends MathBackendCPU {
        readonly isUsingGpuDevice = options.usingGpu === true
      }
      for (const kernel of tf.getKernelsForBackend('cpu')) {
        if (tf.getKernel(kernel.kernelName, 'tensorflow') === undefined)
          tf.registerKernel({ ...kernel, backendName: 'tensorflow' })
      }
      if (tf.findBackendFactory('tensorflow') !== null) tf.removeBackend('tensorflow')
      tf.registerBackend('tensorflow', () => new FakeTensorflowBackend(), 3)
      return {}
    },
  }
}
