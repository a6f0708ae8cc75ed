export interface MeanStd {
  readonly mean: number
  readonly std: number
  readonly count: number
}

/** Sample mean and standard deviation (n − 1), ignoring missing values; null when none. */
export function meanStd(values: readonly (number | null | undefined)[]): MeanStd | null {
  const present = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
  if (present.length === 0) return null
  const mean = present.reduce((a, b) => a + b, 0) / present.length
  const variance =
    present.length > 1 ? present.reduce((a, v) => a + (v - mean) ** 2, 0) / (present.length - 1) : 0
  return { mean, std: Math.sqrt(variance), count: present.length }
}
