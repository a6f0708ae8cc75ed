/**
 * The parameter budget (chase-spec.md §3.1): N counts every maskable weight at its original shape, the
 * budget is the float d·N, and the updates aim at whole counts: round(target·N) nonzeros.
 */

export function maskableWeightCount(shapes: readonly (readonly number[])[]): number {
  return shapes.reduce((total, shape) => total + shape.reduce((a, b) => a * b, 1), 0)
}

/** d·N, the float the official code stores as `baseline_nonzero`. */
export function parameterBudget(density: number, maskableWeights: number): number {
  return density * maskableWeights
}

/** The whole number of nonzeros an update aims at for a density target (d after a prune, dr(s) after a grow). */
export function nonzeroTarget(densityTarget: number, maskableWeights: number): number {
  return Math.round(densityTarget * maskableWeights)
}

/** Classic DST prunes ⌈rate·nnz⌉ active weights (§3.4). */
export function classicPruneCount(rate: number, nonzeros: number): number {
  // The tolerance keeps 0.05·2000 = 100.00000000000001 from becoming 101.
  return Math.ceil(rate * nonzeros - 1e-9)
}
