/** [from, to) ranges of 0..count in `parts` near-equal non-empty pieces (fewer when count is smaller). */
export function splitEvenly(count: number, parts: number): [number, number][] {
  const pieces = Math.max(1, Math.min(parts, count))
  return Array.from({ length: pieces }, (_, p) => [
    Math.floor((p * count) / pieces),
    Math.floor(((p + 1) * count) / pieces),
  ])
}
