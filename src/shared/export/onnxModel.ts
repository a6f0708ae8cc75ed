import protobuf from 'protobufjs'
import type { ModelNode, ModelSpec } from '../models/modelSpec'
import type { NetworkMetadata } from './networkMetadata'
import { onnxProtoSource } from './onnxProtoSource'
import { torchTensors, type StoredWeights } from './torchLayout'

/** The opset the graph is written for (Conv, BatchNormalization, Gemm, pools: all at their opset-13 form). */
export const ONNX_OPSET = 13
/** IR version 8 (ONNX 1.10–1.12): the newest that Debian's python3-onnx checker knows. */
const IR_VERSION = 8
const FLOAT = 1
const attributeType = { FLOAT: 1, INT: 2, INTS: 7 } as const

const root = protobuf.parse(onnxProtoSource, { keepCase: true }).root
const ModelProto = root.lookupType('onnx.ModelProto')

type Attribute = { name: string; type: number; i?: number; f?: number; ints?: number[] }
const ints = (name: string, values: number[]): Attribute => ({ name, type: attributeType.INTS, ints: values })

/**
 * The network as an ONNX model: input `input` in NCHW (batch axis free), output `logits`, weights as
 * initializers in PyTorch's layouts (OIHW, Gemm with transB), so it reads like a `torch.onnx.export` of
 * the official model. `metadata_props` carries the same self-description as the tfjs export.
 */
export function onnxModel(
  spec: ModelSpec,
  weights: ReadonlyMap<string, StoredWeights>,
  metadata: NetworkMetadata | null,
): Uint8Array {
  const initializers = torchTensors(spec, weights).map((t) => ({
    name: t.name,
    dims: [...t.shape],
    data_type: FLOAT,
    raw_data: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
  }))
  const nodes = spec.nodes.flatMap((node) => onnxNodes(node))
  if (spec.output !== 'logits')
    nodes.push({
      name: 'logits',
      op_type: 'Identity',
      input: [spec.output],
      output: ['logits'],
      attribute: [],
    })
  const model = {
    ir_version: IR_VERSION,
    opset_import: [{ domain: '', version: ONNX_OPSET }],
    producer_name: 'chase-workbench',
    producer_version: '1',
    doc_string: metadata ? `${metadata.network} ${spec.name} of run ${metadata.runId}` : spec.name,
    graph: {
      name: spec.name,
      node: nodes,
      initializer: initializers,
      input: [valueInfo(spec.nodes[0]!.name, ['batch', ...nchw(spec.input)])],
      output: [valueInfo('logits', ['batch', spec.classes])],
    },
    metadata_props: Object.entries(metadata ?? {}).map(([key, value]) => ({
      key,
      value: typeof value === 'string' ? value : JSON.stringify(value),
    })),
  }
  const problem = ModelProto.verify(model)
  if (problem) throw new Error(`ONNX export of ${spec.name}: ${problem}`)
  return ModelProto.encode(ModelProto.fromObject(model)).finish()
}

function onnxNodes(node: ModelNode) {
  const name = node.name
  const one = (op_type: string, input: string[], attribute: Attribute[] = [], output = name) => ({
    name,
    op_type,
    input,
    output: [output],
    attribute,
  })
  switch (node.kind) {
    case 'input':
      return [] // the graph input itself
    case 'conv2d': {
      const p = node.padding
      return [
        one(
          'Conv',
          [node.inputs[0]!, `${name}.weight`, ...(node.useBias ? [`${name}.bias`] : [])],
          [
            ints('kernel_shape', [...node.kernelSize]),
            ints('strides', [node.stride, node.stride]),
            ints('pads', [p, p, p, p]),
          ],
        ),
      ]
    }
    case 'dense':
      return [
        one(
          'Gemm',
          [node.inputs[0]!, `${name}.weight`, ...(node.useBias ? [`${name}.bias`] : [])],
          [{ name: 'transB', type: attributeType.INT, i: 1 }],
        ),
      ]
    case 'batchnorm':
      return [
        one(
          'BatchNormalization',
          [node.inputs[0]!, ...['weight', 'bias', 'running_mean', 'running_var'].map((p) => `${name}.${p}`)],
          [{ name: 'epsilon', type: attributeType.FLOAT, f: node.epsilon }],
        ),
      ]
    case 'relu':
      return [one('Relu', [node.inputs[0]!])]
    case 'maxpool':
    case 'avgpool':
      return [
        one(
          node.kind === 'maxpool' ? 'MaxPool' : 'AveragePool',
          [node.inputs[0]!],
          [ints('kernel_shape', [node.size, node.size]), ints('strides', [node.stride, node.stride])],
        ),
      ]
    case 'global-avgpool':
      // Our global pool yields [C]; ONNX's keeps [C, 1, 1], so flatten after it.
      return [
        one('GlobalAveragePool', [node.inputs[0]!], [], `${name}.pooled`),
        {
          ...one('Flatten', [`${name}.pooled`], [{ name: 'axis', type: attributeType.INT, i: 1 }]),
          name: `${name}.flatten`,
        },
      ]
    case 'flatten':
      return [one('Flatten', [node.inputs[0]!], [{ name: 'axis', type: attributeType.INT, i: 1 }])]
    case 'add':
      return [one('Add', [...node.inputs])]
  }
}

function valueInfo(name: string, dims: (string | number)[]) {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dim_param: d } : { dim_value: d })) },
      },
    },
  }
}

/** [H, W, C] → [C, H, W]; a flat input stays as it is. */
export function nchw(shape: readonly number[]): number[] {
  return shape.length === 3 ? [shape[2]!, shape[0]!, shape[1]!] : [...shape]
}
