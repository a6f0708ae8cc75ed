import * as tf from '@tensorflow/tfjs-core'
import { sgdUpdate, sgdUpdateRuns } from '../ops/sgdUpdate'

export interface SgdOptions {
  readonly learningRate: number
  readonly momentum: number
  readonly weightDecay: number
}

/** Gradients by parameter name (`<node>.weight`, `<node>.gamma`, …), as the training step computes them. */
export type GradientMap = ReadonlyMap<string, tf.Tensor>

/**
 * `torch.optim.SGD` with momentum and weight decay, no dampening, no Nesterov (chase-spec.md §1.3):
 * g ← g + wd·w; buf ← μ·buf + g; w ← w − lr·buf, on every trainable parameter (BN and biases included,
 * as the paper). Buffers start at zero, which equals PyTorch's "buf = g on the first step". Our own
 * optimizer, so the sparse engine can mask the buffers it owns.
 */
export class Sgd {
  private readonly params: ReadonlyMap<string, tf.Variable>
  private readonly buffers = new Map<string, tf.Variable>()
  private options: SgdOptions

  constructor(params: ReadonlyMap<string, tf.Variable>, options: SgdOptions) {
    this.params = params
    this.options = options
    for (const [name, variable] of params) {
      if (!variable.trainable) continue
      const zeros = tf.zerosLike(variable)
      this.buffers.set(name, tf.variable(zeros, false))
      zeros.dispose()
    }
  }

  get learningRate(): number {
    return this.options.learningRate
  }

  set learningRate(value: number) {
    this.options = { ...this.options, learningRate: value }
  }

  /** The momentum buffer of a parameter (undefined for non-trainable ones). */
  buffer(name: string): tf.Variable | undefined {
    return this.buffers.get(name)
  }

  /** One update; parameters without a gradient are left alone, as PyTorch skips `grad is None`. */
  step(grads: GradientMap): void {
    const { learningRate, momentum, weightDecay } = this.options
    const fused = sgdUpdateRuns()
    tf.tidy(() => {
      for (const [name, buffer] of this.buffers) {
        const grad = grads.get(name)
        if (!grad) continue
        const weight = this.params.get(name)!
        const next = sgdUpdate(weight, grad, buffer, { learningRate, momentum, weightDecay }, fused)
        buffer.assign(next.buffer)
        weight.assign(next.weight)
      }
    })
  }

  /** Momentum buffers as plain arrays, for checkpoints. */
  async exportState(): Promise<Map<string, Float32Array>> {
    const state = new Map<string, Float32Array>()
    for (const [name, buffer] of this.buffers)
      state.set(name, ((await buffer.data()) as Float32Array).slice())
    return state
  }

  importState(state: ReadonlyMap<string, Float32Array>): void {
    for (const [name, buffer] of this.buffers) {
      const values = state.get(name)
      if (!values)
        throw new Error(
          `optimizer state has no momentum buffer for "${name}": the checkpoint is from another model`,
        )
      if (values.length !== buffer.size)
        throw new Error(`momentum buffer "${name}" has ${values.length} values, the parameter ${buffer.size}`)
      tf.tidy(() => buffer.assign(tf.tensor(values, buffer.shape, 'float32')))
    }
  }

  dispose(): void {
    for (const buffer of this.buffers.values()) buffer.dispose()
    this.buffers.clear()
  }
}
