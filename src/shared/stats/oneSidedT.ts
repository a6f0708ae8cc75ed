import type { MeanStd } from './meanStd'

/** Student's t at the one-sided 95 % level, by degrees of freedom 1…30 (beyond 30 the normal's 1.645). */
const t95 = [
  6.314, 2.92, 2.353, 2.132, 2.015, 1.943, 1.895, 1.86, 1.833, 1.812, 1.796, 1.782, 1.771, 1.761, 1.753,
  1.746, 1.74, 1.734, 1.729, 1.725, 1.721, 1.717, 1.714, 1.711, 1.708, 1.706, 1.703, 1.701, 1.699, 1.697,
]

export function tQuantile95(degreesOfFreedom: number): number {
  if (!Number.isInteger(degreesOfFreedom) || degreesOfFreedom < 1)
    throw new Error('needs 1 or more degrees of freedom')
  return t95[degreesOfFreedom - 1] ?? 1.645
}

/**
 * The lower end of the one-sided 95 % confidence bound on a mean, from n seeds' values: the claim "the
 * mean is above x" is shown when this exceeds x. Null with fewer than two values (no spread, no claim).
 */
export function lowerBound95(sample: MeanStd | null): number | null {
  if (!sample || sample.count < 2) return null
  return sample.mean - (tQuantile95(sample.count - 1) * sample.std) / Math.sqrt(sample.count)
}

/** The upper end, for "the mean is below x". */
export function upperBound95(sample: MeanStd | null): number | null {
  if (!sample || sample.count < 2) return null
  return sample.mean + (tQuantile95(sample.count - 1) * sample.std) / Math.sqrt(sample.count)
}
