import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { ArtifactFormat, ExportedNetwork } from '../../shared/api/artifactExports'
import { exportArtifact } from '../host/exports/exportArtifact'
import type { RunStore } from '../host/runStore'
import { UsageError, type CommandIo } from './command'

/**
 * `runs export <id> --format onnx|safetensors|tensorboard`: binary files, so they always go to disk.
 * Model formats write `--out` (default `<id>-<network>.<ext>` here); TensorBoard treats `--out` as the
 * log directory (default `tensorboard`) and writes the event file into `<out>/<id>/`, one run per
 * folder as TensorBoard expects.
 */
export function writeArtifactExport(
  store: RunStore,
  runId: string,
  options: { readonly format: string; readonly network?: string; readonly out?: string },
  io: CommandIo,
): number {
  const format = ArtifactFormat.parse(options.format)
  const network = ExportedNetwork.safeParse(options.network ?? 'slimmed')
  if (!network.success) throw new UsageError('--network must be dense or slimmed')
  if (format === 'tensorboard' && options.network !== undefined)
    throw new UsageError('--network applies to onnx and safetensors exports, not tensorboard')
  const run = store.getDetail(runId)!
  const artifact = exportArtifact(store, run, format, network.data)
  const path =
    format === 'tensorboard'
      ? join(resolve(io.cwd, options.out ?? 'tensorboard'), runId, artifact.fileName)
      : resolve(io.cwd, options.out ?? artifact.fileName)
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, artifact.content)
  io.stderr.write(`Wrote ${path} (${artifact.content.byteLength} bytes)\n`)
  if (format === 'tensorboard')
    io.stderr.write(`View it with: tensorboard --logdir ${dirname(dirname(path))}\n`)
  return 0
}
