/**
 * Largest-Triangle-Three-Buckets (Steinarsson 2013): keeps `threshold` points that preserve the visual
 * shape of a series (spikes survive, unlike averaging). First and last points are always kept.
 */
export function downsampleLttb(
  steps: readonly number[],
  values: readonly number[],
  threshold: number,
): { steps: number[]; values: number[] } {
  const n = steps.length
  if (threshold >= n || threshold < 3) {
    if (threshold >= n || n === 0) return { steps: [...steps], values: [...values] }
    return threshold === 1
      ? { steps: [steps[n - 1]!], values: [values[n - 1]!] }
      : { steps: [steps[0]!, steps[n - 1]!], values: [values[0]!, values[n - 1]!] }
  }
  const outSteps = [steps[0]!]
  const outValues = [values[0]!]
  const bucketSize = (n - 2) / (threshold - 2)
  let a = 0
  for (let i = 0; i < threshold - 2; i++) {
    const nextStart = Math.floor((i + 1) * bucketSize) + 1
    const nextEnd = Math.min(Math.floor((i + 2) * bucketSize) + 1, n)
    let avgX = 0
    let avgY = 0
    for (let j = nextStart; j < nextEnd; j++) {
      avgX += steps[j]!
      avgY += values[j]!
    }
    const count = Math.max(nextEnd - nextStart, 1)
    avgX /= count
    avgY /= count
    const start = Math.floor(i * bucketSize) + 1
    const end = Math.floor((i + 1) * bucketSize) + 1
    let best = start
    let bestArea = -1
    for (let j = start; j < end; j++) {
      const area = Math.abs(
        (steps[a]! - avgX) * (values[j]! - values[a]!) - (steps[a]! - steps[j]!) * (avgY - values[a]!),
      )
      if (area > bestArea) {
        bestArea = area
        best = j
      }
    }
    outSteps.push(steps[best]!)
    outValues.push(values[best]!)
    a = best
  }
  outSteps.push(steps[n - 1]!)
  outValues.push(values[n - 1]!)
  return { steps: outSteps, values: outValues }
}

/** `count` indices spread evenly over `0..length-1`, always including the last. */
export function evenlySpacedIndices(length: number, count: number): number[] {
  if (count >= length) return Array.from({ length }, (_, i) => i)
  if (count === 1) return [length - 1]
  const picked = new Set<number>()
  for (let i = 0; i < count; i++) picked.add(Math.round((i * (length - 1)) / (count - 1)))
  return [...picked].sort((x, y) => x - y)
}
