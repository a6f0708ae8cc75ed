import { z } from 'zod'

/**
 * The compute backends, fastest first: the one list the config, the trainer protocol, `system.info`
 * and `doctor` read, and the order `auto` tries them in (architecture.md, "Backends").
 */
export const backendNames = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const
export const BackendName = z.enum(backendNames)
export type BackendName = z.infer<typeof BackendName>

/** A backend, or `auto` for the fastest that starts here. */
export const BackendChoice = z.enum(['auto', ...backendNames])
export type BackendChoice = z.infer<typeof BackendChoice>

export type NativeBackendName = Extract<BackendName, 'tensorflow-gpu' | 'tensorflow'>

/** The npm package that provides each backend. */
export const backendPackages: Readonly<Record<BackendName, string>> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
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
        `\`npm install ${backendPackages[name]}@${coreVersion}\` installs only where you supply libtensorflow ` +
        "2.9.1 yourself (the package's deps/lib, or its scripts/custom-binary.json route): its download " +
        'answers 403 since August 2026 (tfjs #8742); it then needs an NVIDIA GPU with CUDA 11.2 and cuDNN 8.1 ' +
        '(CUDA 12 does not work, tfjs #8362). For a GPU without it, use the webgpu backend'
      )
    case 'tensorflow':
      return (
        `\`npm install ${backendPackages[name]}@${coreVersion}\` installs only where you supply libtensorflow ` +
        "2.9.1 yourself (the package's scripts/custom-binary.json route): its download answers 403 since " +
        'August 2026 (tfjs #8742)'
      )
    case 'webgpu':
      return (
        `\`npm install webgpu@0.6.2 ${backendPackages[name]}@${coreVersion}\` (both ship with the workbench; ` +
        "Dawn's binaries are inside the `webgpu` package), and a GPU driver with Vulkan (Linux, Windows), " +
        'Direct3D 12 (Windows) or Metal (macOS)'
      )
    default:
      return `install it with \`npm install ${backendPackages[name]}@${coreVersion}\``
  }
}
