import { isWeightNode, type ModelSpec } from './modelSpec'

/** Every tensor the trainer keeps is float32, masks aside (one byte per weight). */
const floatBytes = 4
const maskBytes = 1

/** What one training step holds in memory, in bytes. */
export interface MemoryEstimate {
  /** Parameters: conv/dense weights and biases, BN γ, β and running statistics. */
  readonly weights: number
  /** SGD momentum, one buffer per trainable parameter (0 without momentum). */
  readonly momentum: number
  /** One gradient per trainable parameter. */
  readonly gradients: number
  /** Sparse runs: a one-byte mask per maskable weight. */
  readonly masks: number
  /**
   * Every node's output for a training batch, kept for the backward pass, plus the gradient of the
   * largest one in flight; or an evaluation batch's two largest outputs, whichever is more.
   */
  readonly activations: number
  /** The largest convolution's patch matrix (im2col) for a training batch, built by the CPU and wasm kernels. */
  readonly workspace: number
  readonly total: number
}

export interface MemoryEstimateInput {
  readonly batchSize: number
  readonly evalBatchSize: number
  /** SGD momentum coefficient; 0 keeps no momentum buffers. */
  readonly momentum: number
  /** A sparse run keeps masks. */
  readonly sparse: boolean
}

const elements = (shape: readonly number[]) => shape.reduce((n, d) => n * d, 1)

/**
 * A lower bound on the memory a training of `spec` needs: the tensors the trainer cannot do without and
 * the largest convolution's workspace. Op intermediates and allocator slack come on top, so a total near
 * the machine's memory will not fit either.
 */
export function estimateTrainingMemory(spec: ModelSpec, input: MemoryEstimateInput): MemoryEstimate {
  let trainable = 0
  let statistics = 0
  let maskable = 0
  let activationElements = 0
  let largest = 0
  let secondLargest = 0
  let patches = 0
  for (const node of spec.nodes) {
    if (isWeightNode(node)) {
      const conv = node.kind === 'conv2d'
      const weights = conv
        ? node.kernelSize[0] * node.kernelSize[1] * node.inChannels * node.outChannels
        : node.inFeatures * node.outFeatures
      const outputs = conv ? node.outChannels : node.outFeatures
      trainable += weights + (node.useBias ? outputs : 0)
      if (conv)
        patches = Math.max(
          patches,
          node.outShape[0]! * node.outShape[1]! * node.kernelSize[0] * node.kernelSize[1] * node.inChannels,
        )
      maskable += weights
    } else if (node.kind === 'batchnorm') {
      trainable += 2 * node.channels
      statistics += 2 * node.channels
    }
    const size = elements(node.outShape)
    activationElements += size
    if (size > largest) [largest, secondLargest] = [size, largest]
    else if (size > secondLargest) secondLargest = size
  }
  const weights = (trainable + statistics) * floatBytes
  const momentum = input.momentum > 0 ? trainable * floatBytes : 0
  const gradients = trainable * floatBytes
  const masks = input.sparse ? maskable * maskBytes : 0
  const training = (activationElements + largest) * input.batchSize
  const evaluation = (largest + secondLargest) * input.evalBatchSize
  const activations = Math.max(training, evaluation) * floatBytes
  const workspace = patches * input.batchSize * floatBytes
  return {
    weights,
    momentum,
    gradients,
    masks,
    activations,
    workspace,
    total: weights + momentum + gradients + masks + activations + workspace,
  }
}
