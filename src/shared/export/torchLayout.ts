import type { ModelNode, ModelSpec } from '../models/modelSpec'

/** One tensor of a trained network under our parameter name, in the spec's layouts (NHWC, HWIO). */
export interface StoredWeights {
  readonly shape: readonly number[]
  readonly data: Float32Array
}

/** One parameter or buffer under PyTorch's name, in PyTorch's layout (also ONNX's). */
export interface TorchTensor {
  readonly name: string
  readonly shape: readonly number[]
  readonly data: Float32Array
}

/** Our BN parameter suffixes → PyTorch's `nn.BatchNorm2d` state-dict names. */
const batchNormNames: Readonly<Record<string, string>> = {
  gamma: 'weight',
  beta: 'bias',
  runningMean: 'running_mean',
  runningVar: 'running_var',
}

/**
 * The network's weights as a PyTorch state dict would hold them: node names are already the official
 * code's module names (`features.0`, `layer1.0.conv1`), convs become OIHW, linears `[out, in]`. A linear
 * that reads a flattened H×W×C map gets its input rows reordered from our NHWC flatten order to PyTorch's
 * C·H·W order.
 */
export function torchTensors(spec: ModelSpec, weights: ReadonlyMap<string, StoredWeights>): TorchTensor[] {
  const byName = new Map(spec.nodes.map((node) => [node.name, node]))
  const out: TorchTensor[] = []
  const take = (name: string) => {
    const w = weights.get(name)
    if (!w) throw new Error(`the network file lacks parameter ${name}`)
    return w
  }
  for (const node of spec.nodes) {
    if (node.kind === 'conv2d') {
      const [kh, kw, cin, cout] = take(`${node.name}.weight`).shape as [number, number, number, number]
      out.push({
        name: `${node.name}.weight`,
        shape: [cout, cin, kh, kw],
        data: permute(take(`${node.name}.weight`).data, [kh, kw, cin, cout], [3, 2, 0, 1]),
      })
      if (node.useBias) out.push(vector(`${node.name}.bias`, take(`${node.name}.bias`)))
    } else if (node.kind === 'dense') {
      const w = take(`${node.name}.weight`)
      const [fin, fout] = w.shape as [number, number]
      const rows = flattenedInput(node, byName)
      const ordered = rows ? permuteRows(w.data, rows, fout) : w.data
      out.push({
        name: `${node.name}.weight`,
        shape: [fout, fin],
        data: permute(ordered, [fin, fout], [1, 0]),
      })
      if (node.useBias) out.push(vector(`${node.name}.bias`, take(`${node.name}.bias`)))
    } else if (node.kind === 'batchnorm') {
      for (const [ours, theirs] of Object.entries(batchNormNames))
        out.push(vector(`${node.name}.${theirs}`, take(`${node.name}.${ours}`)))
    }
  }
  return out
}

function vector(name: string, w: StoredWeights): TorchTensor {
  return { name, shape: [...w.shape], data: w.data }
}

/** [H, W, C] when `dense` reads a flatten of an image-shaped map, else null. */
function flattenedInput(dense: ModelNode, byName: ReadonlyMap<string, ModelNode>): number[] | null {
  const source = byName.get(dense.inputs[0]!)
  if (source?.kind !== 'flatten') return null
  const before = byName.get(source.inputs[0]!)
  const shape = before?.outShape ?? []
  return shape.length === 3 ? [...shape] : null
}

/** Reorders the rows of `[H·W·C, out]` (HWC row order) to C·H·W row order. */
function permuteRows(data: Float32Array, [h, w, c]: number[], outFeatures: number): Float32Array {
  const result = new Float32Array(data.length)
  for (let y = 0; y < h!; y++)
    for (let x = 0; x < w!; x++)
      for (let ch = 0; ch < c!; ch++) {
        const from = ((y * w! + x) * c! + ch) * outFeatures
        const to = ((ch * h! + y) * w! + x) * outFeatures
        result.set(data.subarray(from, from + outFeatures), to)
      }
  return result
}

/** Transposes a row-major tensor: axis i of the result is axis `order[i]` of the input. */
export function permute(
  data: Float32Array,
  shape: readonly number[],
  order: readonly number[],
): Float32Array {
  const rank = shape.length
  const strides = new Array<number>(rank)
  strides[rank - 1] = 1
  for (let i = rank - 2; i >= 0; i--) strides[i] = strides[i + 1]! * shape[i + 1]!
  const outShape = order.map((axis) => shape[axis]!)
  const outStrides = order.map((axis) => strides[axis]!)
  const result = new Float32Array(data.length)
  const index = new Array<number>(rank).fill(0)
  for (let i = 0; i < result.length; i++) {
    let from = 0
    for (let a = 0; a < rank; a++) from += index[a]! * outStrides[a]!
    result[i] = data[from]!
    for (let a = rank - 1; a >= 0; a--) {
      if (++index[a]! < outShape[a]!) break
      index[a] = 0
    }
  }
  return result
}
