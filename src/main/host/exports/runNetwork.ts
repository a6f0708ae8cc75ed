import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { NetworkMetadata, NetworkVariant } from '../../../shared/export/networkMetadata'
import { runFiles } from '../../../shared/export/networkMetadata'
import type { ModelSpec } from '../../../shared/models/modelSpec'
import { nchw } from '../../../shared/export/onnxModel'
import type { StoredWeights } from '../../../shared/export/torchLayout'
import { NotFoundError } from '../hostErrors'
import { readCheckpoint } from '../../../node/checkpointFile'

/** A trained network of a finished run, as the exporters read it: spec, weights by our names, metadata. */
export interface RunNetwork {
  readonly spec: ModelSpec
  /** Our parameter names (`<node>.weight`, `<node>.runningMean`, …) in the spec's NHWC layouts. */
  readonly weights: ReadonlyMap<string, StoredWeights>
  readonly metadata: NetworkMetadata
}

/** Reads the dense or slimmed network a completed run left in its folder (see `runFiles`). */
export function loadRunNetwork(runId: string, runDir: string, variant: NetworkVariant): RunNetwork {
  const file = join(runDir, variant === 'dense' ? runFiles.denseNetwork : runFiles.slimmedNetwork)
  const metadataFile = join(runDir, runFiles.metadata)
  if (!existsSync(file) || !existsSync(metadataFile)) {
    throw new NotFoundError(
      `Run ${runId} has no exportable ${variant} network in ${runDir}: only runs that completed with this ` +
        'version of the workbench leave one. Train the run again (or resume it, if it was stopped) to export it.',
    )
  }
  const { meta, tensors } = readCheckpoint<{ spec: ModelSpec }>(file)
  const weights = new Map<string, StoredWeights>()
  for (const [name, tensor] of tensors) {
    if (!(tensor.data instanceof Float32Array)) throw new Error(`${file}: tensor ${name} is not float32`)
    weights.set(name, { shape: tensor.shape, data: tensor.data })
  }
  const all = JSON.parse(readFileSync(metadataFile, 'utf8')) as Record<NetworkVariant, NetworkMetadata>
  return { spec: meta.spec, weights, metadata: all[variant] }
}

/** The run's metadata with the input described as the PyTorch-layout exports take it (NCHW). */
export function nchwMetadata(network: RunNetwork): NetworkMetadata {
  return {
    ...network.metadata,
    input: { ...network.metadata.input, layout: 'NCHW', shape: nchw(network.spec.input) },
  }
}
