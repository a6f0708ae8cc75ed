import { meanStd, type MeanStd } from './meanStd'
import { lowerBound95, upperBound95 } from './oneSidedT'

/** One seed's result on the reference and on the candidate (the same config and seed otherwise). */
export interface SeedPair {
  readonly seed: number
  readonly reference: number
  readonly candidate: number
}

export type GapVerdict = 'within' | 'outside' | 'not shown'

export interface PairedGap {
  /** candidate − reference, per seed, in the pairs' order. */
  readonly gaps: readonly number[]
  /** Seeds whose own gap is within ±tolerance. */
  readonly seedsWithin: number
  readonly gap: MeanStd | null
  /** One-sided 95 % bounds on the mean gap (together a 90 % interval); null under two seeds. */
  readonly lower: number | null
  readonly upper: number | null
  /**
   * The mean gap is shown `within` ±tolerance when both one-sided 95 % bounds lie inside (two one-sided
   * tests, the usual equivalence test), shown `outside` when one bound lies beyond it, else `not shown`.
   */
  readonly verdict: GapVerdict
}

/** How far a candidate (a backend, a kernel) moves a result from the reference's, over seeds. */
export function pairedGap(pairs: readonly SeedPair[], tolerance: number): PairedGap {
  if (!(tolerance > 0)) throw new Error(`the tolerance must be above 0, got ${tolerance}`)
  const gaps = pairs.map((p) => p.candidate - p.reference)
  const gap = meanStd(gaps)
  const [lower, upper] = [lowerBound95(gap), upperBound95(gap)]
  const verdict: GapVerdict =
    lower === null || upper === null
      ? 'not shown'
      : lower > -tolerance && upper < tolerance
        ? 'within'
        : lower > tolerance || upper < -tolerance
          ? 'outside'
          : 'not shown'
  return {
    gaps,
    seedsWithin: gaps.filter((g) => Math.abs(g) <= tolerance).length,
    gap,
    lower,
    upper,
    verdict,
  }
}
