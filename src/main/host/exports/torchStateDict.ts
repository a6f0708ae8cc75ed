import { nchwMetadata, type RunNetwork } from './runNetwork'
import { encodeSafetensors } from './safetensors'
import { torchTensors } from '../../../shared/export/torchLayout'

/**
 * The network as a PyTorch state dict in safetensors: official parameter names and layouts, a zero
 * `num_batches_tracked` per BN so `load_state_dict(strict=True)` accepts it, and in `__metadata__` the
 * per-layer widths a PyTorch user needs to rebuild the (slim) architecture plus how to feed it.
 */
export function safetensorsExport(network: RunNetwork): Uint8Array {
  const batchNorms = network.spec.nodes.filter((node) => node.kind === 'batchnorm')
  return encodeSafetensors(
    torchTensors(network.spec, network.weights),
    {
      format: 'pt',
      'chase.layer_widths': JSON.stringify(network.metadata.layerWidths),
      'chase.network': JSON.stringify(nchwMetadata(network)),
    },
    batchNorms.map((node) => ({ name: `${node.name}.num_batches_tracked`, shape: [], values: [0n] })),
  )
}
