import { z } from 'zod'

/** Files other tools read: ONNX graph, PyTorch state dict (safetensors), TensorBoard event file. */
export const ArtifactFormat = z.enum(['onnx', 'safetensors', 'tensorboard'])
export type ArtifactFormat = z.infer<typeof ArtifactFormat>

/** Which trained network a model export holds: full width (pruned weights zero) or channel-slimmed. */
export const ExportedNetwork = z.enum(['dense', 'slimmed'])
export type ExportedNetwork = z.infer<typeof ExportedNetwork>

export const ArtifactFile = z.object({
  fileName: z.string(),
  mimeType: z.string(),
  byteLength: z.number().int().min(0),
  /** The file's bytes, base64: both transports carry JSON. */
  contentBase64: z.string(),
})
export type ArtifactFile = z.infer<typeof ArtifactFile>
