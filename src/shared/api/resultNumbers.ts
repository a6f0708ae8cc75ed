import type { RunResult } from '../protocol/trainerMessages'

/** The headline numbers of a run's result, null while it has none: one mapping for the CLI and compare. */
export function resultNumbers(result: RunResult | null) {
  return {
    testAccuracy: result?.final.testAccuracy ?? null,
    bestTestAccuracy: result?.best.testAccuracy ?? null,
    validationAccuracy: result?.best.validationAccuracy ?? null,
    density: result?.density ?? null,
    channelSparsity: result?.channelSparsity ?? null,
    theoreticalFlopsRatio: result?.flops.theoreticalRatio ?? null,
    gpuSupportedFlopsRatio: result?.flops.gpuSupportedRatio ?? null,
    durationSeconds: result?.durationSeconds ?? null,
  }
}
