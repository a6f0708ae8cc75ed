/**
 * Per-channel normalisation `(pixel / 255 − mean[c]) / std[c]` as a lookup table of 256 values per
 * channel (`table[c × 256 + pixel]`): one load per pixel instead of a divide, and the same numbers in the
 * main thread and the prefetch worker.
 */
export function normalizationTable(mean: readonly number[], std: readonly number[]): Float32Array {
  if (mean.length !== std.length) throw new Error(`mean has ${mean.length} channels but std ${std.length}`)
  const table = new Float32Array(256 * mean.length)
  for (let c = 0; c < mean.length; c++) {
    for (let v = 0; v < 256; v++) table[c * 256 + v] = (v / 255 - mean[c]!) / std[c]!
  }
  return table
}
