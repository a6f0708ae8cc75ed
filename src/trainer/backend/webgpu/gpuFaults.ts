/**
 * Errors the GPU device reported on its own (WebGPU's "uncaptured" errors: a shader that does not
 * compile, a binding over a limit). tfjs-backend-webgpu pushes no error scopes, so such an error only
 * reaches the device's handler, and the operation's result is garbage: the training loop asks after
 * every step and stops the run rather than train on it.
 */
const faults: string[] = []

export function recordGpuFault(message: string): void {
  // The first lines say what failed; Dawn's full message repeats the shader source.
  if (faults.length < 20) faults.push(message.split('\n').slice(0, 3).join(' ').slice(0, 600))
}

/** The faults since the last call (and forgets them). */
export function takeGpuFaults(): string[] {
  return faults.splice(0)
}
