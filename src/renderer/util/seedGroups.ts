import type { ConfigDifference } from '../../shared/api'
import { meanStd } from '../../shared/stats/meanStd'

/** Settings that do not make two runs a different experiment. */
const ignoredForGrouping = new Set(['name', 'preset', 'system.seed'])

export interface SeedGroup {
  /** Indices into the compared runs. */
  readonly members: readonly number[]
  /** The differing settings that define the group, e.g. `channels.sparsity=0.3`. */
  readonly label: string
}

/**
 * Runs whose configs differ only in the seed (and name) form one group, so their curves and numbers can
 * be shown as mean ± std. `differences` lists every setting that differs, values in run order.
 */
export function seedGroups(runCount: number, differences: readonly ConfigDifference[]): SeedGroup[] {
  const defining = differences.filter((d) => !ignoredForGrouping.has(d.path))
  const bySignature = new Map<string, number[]>()
  for (let i = 0; i < runCount; i++) {
    const signature = defining.map((d) => `${d.path}=${d.values[i] ?? '∅'}`).join(' · ')
    bySignature.set(signature, [...(bySignature.get(signature) ?? []), i])
  }
  return [...bySignature.entries()].map(([signature, members]) => ({
    members,
    label: signature || 'same config',
  }))
}

export { meanStd, type MeanStd } from '../../shared/stats/meanStd'

/**
 * Mean ± std of several series on the steps of the first one; every other series is read at its last
 * point at or before each step (runs of one config log on the same steps, so this is exact for them).
 */
export function meanStdSeries(series: readonly { steps: readonly number[]; values: readonly number[] }[]): {
  steps: number[]
  mean: number[]
  std: number[]
} {
  const base = series[0]
  if (!base) return { steps: [], mean: [], std: [] }
  const cursors = series.map(() => 0)
  const steps: number[] = []
  const mean: number[] = []
  const std: number[] = []
  for (const step of base.steps) {
    const at: number[] = []
    series.forEach((s, i) => {
      while (cursors[i]! + 1 < s.steps.length && s.steps[cursors[i]! + 1]! <= step) cursors[i]!++
      if (s.steps.length && s.steps[cursors[i]!]! <= step) at.push(s.values[cursors[i]!]!)
    })
    const stats = meanStd(at)
    if (!stats) continue
    steps.push(step)
    mean.push(stats.mean)
    std.push(stats.std)
  }
  return { steps, mean, std }
}

/** Indices of the runs on the Pareto front: no other run is both cheaper (lower ratio) and more accurate. */
export function paretoFront(points: readonly { x: number; y: number }[]): number[] {
  const order = points
    .map((_, i) => i)
    .sort((a, b) => points[a]!.x - points[b]!.x || points[b]!.y - points[a]!.y)
  const front: number[] = []
  let best = -Infinity
  for (const i of order) {
    if (points[i]!.y > best) {
      front.push(i)
      best = points[i]!.y
    }
  }
  return front
}
