/** A TensorBoard histogram of per-channel densities in [0, 1]: `buckets` equal bins, upper edges as limits. */
export interface Histogram {
  readonly min: number
  readonly max: number
  readonly num: number
  readonly sum: number
  readonly sum_squares: number
  readonly bucket_limit: number[]
  readonly bucket: number[]
}

export function densityHistogram(values: readonly number[], buckets = 20): Histogram {
  const counts = new Array<number>(buckets).fill(0)
  let sum = 0
  let squares = 0
  for (const v of values) {
    counts[Math.min(buckets - 1, Math.max(0, Math.ceil(v * buckets) - 1))]! += 1
    sum += v
    squares += v * v
  }
  return {
    min: values.length ? Math.min(...values) : 0,
    max: values.length ? Math.max(...values) : 0,
    num: values.length,
    sum,
    sum_squares: squares,
    // TensorBoard's bucket i holds (limit[i−1], limit[i]]; the first one also takes exact zeros.
    bucket_limit: counts.map((_, i) => (i + 1) / buckets),
    bucket: counts,
  }
}
