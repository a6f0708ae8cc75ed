import * as tf from '@tensorflow/tfjs-core'

/**
 * A training op of our own, named once: callers call the op, the op runs the kernel registered for the
 * current backend when that kernel accepts the call (`supportOn`), its composite of tfjs ops otherwise.
 * No caller names a backend; a backend adds a kernel by registering it and saying what it accepts.
 */
export interface CustomOp<Query> {
  readonly kernelName: string
  /** Whether the current backend runs this call with its own kernel. */
  runs(query: Query): boolean
  /** What a backend's kernel accepts; a backend with a kernel and no predicate accepts every call. */
  supportOn(backendName: string, accepts: (query: Query) => boolean): void
}

export function customOp<Query>(kernelName: string): CustomOp<Query> {
  const predicates = new Map<string, (query: Query) => boolean>()
  return {
    kernelName,
    runs(query) {
      const backendName = tf.getBackend()
      if (tf.getKernel(kernelName, backendName) === undefined) return false
      return predicates.get(backendName)?.(query) ?? true
    },
    supportOn(backendName, accepts) {
      predicates.set(backendName, accepts)
    },
  }
}
