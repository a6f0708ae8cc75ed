import type { ArtifactFile, ArtifactFormat, ExportedNetwork } from '../../../shared/api/artifactExports'
import type { RunDetail } from '../../../shared/api/runRecords'
import { ConflictError } from '../hostErrors'
import type { RunStore } from '../runStore'
import { onnxModel } from '../../../shared/export/onnxModel'
import { loadRunNetwork, nchwMetadata } from './runNetwork'
import { tensorboardEvents } from './tensorboard/tensorboardEvents'
import { safetensorsExport } from './torchStateDict'

export interface Artifact {
  readonly fileName: string
  readonly mimeType: string
  readonly content: Uint8Array
}

/**
 * One export another tool reads. Model formats need a completed run (its folder holds the trained
 * networks); TensorBoard logs can be written for a run in any state, with what it has so far.
 */
export function exportArtifact(
  store: RunStore,
  run: RunDetail,
  format: ArtifactFormat,
  network: ExportedNetwork = 'slimmed',
): Artifact {
  if (format === 'tensorboard') {
    const file = tensorboardEvents(store, run.id)
    return { fileName: file.fileName, mimeType: 'application/octet-stream', content: file.content }
  }
  if (run.status !== 'completed')
    throw new ConflictError(
      `Run ${run.id} is ${run.status}: ${format} exports hold the trained network, which exists once the run completes`,
    )
  const loaded = loadRunNetwork(run.id, run.runDir, network)
  if (format === 'onnx')
    return {
      fileName: `${run.id}-${network}.onnx`,
      mimeType: 'application/onnx',
      content: onnxModel(loaded.spec, loaded.weights, nchwMetadata(loaded)),
    }
  return {
    fileName: `${run.id}-${network}.safetensors`,
    mimeType: 'application/octet-stream',
    content: safetensorsExport(loaded),
  }
}

/** The wire form (base64, since both transports carry JSON). */
export function artifactFile(artifact: Artifact): ArtifactFile {
  const bytes = Buffer.from(artifact.content.buffer, artifact.content.byteOffset, artifact.content.byteLength)
  return {
    fileName: artifact.fileName,
    mimeType: artifact.mimeType,
    byteLength: bytes.byteLength,
    contentBase64: bytes.toString('base64'),
  }
}
