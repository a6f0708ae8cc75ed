import { z } from 'zod'

/**
 * The compute backends, fastest first: the one list the config, the trainer protocol, `system.info`
 * and `doctor` read, and the order `auto` tries them in (architecture.md, "Backends").
 */
export const backendNames = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const
export const BackendName = z.enum(backendNames)
export type BackendName = z.infer<typeof BackendName>

/** A backend, or `auto` for the fastest that starts here. */
export const BackendChoice = z.enum(['auto', ...backendNames])
export type BackendChoice = z.infer<typeof BackendChoice>

export type NativeBackendName = Extract<BackendName, 'tensorflow-gpu' | 'tensorflow'>

/** The npm package that provides each backend. */
export const backendPackages: Readonly<Record<BackendName, string>> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
}

/**
 * What to run to get a backend, said wherever one is missing. `coreVersion` is the installed
 * @tensorflow/tfjs-core's: a native package of another version would bring its own core.
 */
export function installHint(name: BackendName, coreVersion: string): string {
  switch (name) {
    case 'tensorflow-gpu':
      return (
        `install it with \`npm install ${backendPackages[name]}@${coreVersion}\`: it needs an NVIDIA GPU with ` +
        'CUDA 11.2 and cuDNN 8.1 (TensorFlow 2.9.1; CUDA 12 does not work, tfjs #8362), and its install ' +
        'downloads libtensorflow, so it needs the internet'
      )
    case 'tensorflow':
      return (
        `install it with \`npm install ${backendPackages[name]}@${coreVersion}\` (its install downloads ` +
        'libtensorflow, so it needs the internet)'
      )
    default:
      return `install it with \`npm install ${backendPackages[name]}@${coreVersion}\``
  }
}
