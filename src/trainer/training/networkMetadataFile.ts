import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { networkMetadata, runFiles, type NetworkMetadata } from '../../shared/export/networkMetadata'
import type { ModelSpec } from '../../shared/models/modelSpec'
import type { Evaluation } from './evaluate'
import type { FinishInput } from './finishRun'

export interface RunNetworksMetadata {
  readonly dense: NetworkMetadata
  readonly slimmed: NetworkMetadata
}

/**
 * What each exported network is and how to feed it, written to the run folder (the host's exporters
 * read it) and returned for the tfjs export. The dense accuracy is the one of the weights finishRun
 * restored (best checkpoint, else final); the slimmed one is measured after BN recalibration when the
 * run recalibrates.
 */
export function writeNetworkMetadata(
  input: FinishInput,
  slimSpec: ModelSpec,
  slimmedEvaluation: Evaluation,
): RunNetworksMetadata {
  const common = {
    runId: input.runId,
    configHash: input.configHash,
    dataset: input.config.data.dataset,
    layout: 'NHWC' as const,
    testImages: input.final.test.count,
  }
  const metadata: RunNetworksMetadata = {
    dense: networkMetadata({
      ...common,
      network: 'dense',
      spec: input.spec,
      testAccuracy: input.best?.testAccuracy ?? input.final.test.accuracy,
      measuredAs: input.best ? 'best checkpoint, full width' : 'final weights, full width',
    }),
    slimmed: networkMetadata({
      ...common,
      network: 'slimmed',
      spec: slimSpec,
      testAccuracy: slimmedEvaluation.accuracy,
      measuredAs: input.config.selection.recalibrateBatchNorm
        ? 'slimmed, BN recalibrated'
        : 'slimmed, BN statistics as trained',
    }),
  }
  writeFileSync(join(input.runDir, runFiles.metadata), `${JSON.stringify(metadata, null, 1)}\n`)
  return metadata
}
