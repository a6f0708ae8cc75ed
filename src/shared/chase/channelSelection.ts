/** One prunable channel group as the selection sees it. */
export interface SelectableGroup {
  readonly name: string
  /** Per original channel: 1 alive, 0 removed. */
  readonly alive: ArrayLike<number>
  /** Per original channel: importance (UMM by default); lower goes first. */
  readonly scores: ArrayLike<number>
  /** The group may not drop below this many alive channels. */
  readonly floor: number
}

export interface ChannelSelection {
  /** Per group (same order as the input): the channel indices to remove, ascending. */
  readonly removed: number[][]
  /** Highest score among the removed channels; null when none was removed. */
  readonly threshold: number | null
  /** How many of the requested removals the floors made impossible (0 when feasible). */
  readonly shortfall: number
}

/**
 * Deterministic water-filling (decision 3, the ImageNet code's rule): rank the alive channels of every
 * group by score ascending (ties by group order, then channel index) and take exactly `count` of them,
 * skipping a group once it is down to its floor. Same scores, same channels.
 */
export function selectChannelsToRemove(groups: readonly SelectableGroup[], count: number): ChannelSelection {
  const removed: number[][] = groups.map(() => [])
  if (count <= 0) return { removed, threshold: null, shortfall: 0 }
  const candidates: { score: number; group: number; channel: number }[] = []
  const aliveCounts = groups.map((group, g) => {
    let alive = 0
    for (let c = 0; c < group.alive.length; c++) {
      if (group.alive[c] !== 1) continue
      alive++
      const score = group.scores[c]!
      // A NaN score means "no information": rank it last rather than poison the sort.
      candidates.push({ score: Number.isNaN(score) ? Infinity : score, group: g, channel: c })
    }
    return alive
  })
  candidates.sort((a, b) => a.score - b.score || a.group - b.group || a.channel - b.channel)
  let taken = 0
  let threshold: number | null = null
  for (const candidate of candidates) {
    if (taken === count) break
    if (aliveCounts[candidate.group]! <= groups[candidate.group]!.floor) continue
    aliveCounts[candidate.group]!--
    removed[candidate.group]!.push(candidate.channel)
    threshold = candidate.score
    taken++
  }
  for (const list of removed) list.sort((a, b) => a - b)
  return { removed, threshold, shortfall: count - taken }
}
