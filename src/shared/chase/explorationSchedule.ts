/** Which unstructured update, if any, runs at a step (chase-spec.md §1.2 item 6 and §3.4). */
export type ExplorationUpdate = 'soft-bound' | 'classic'

export interface ExplorationTiming {
  /** Sparse training on at all; off means a dense run, masks all ones and never updated. */
  readonly enabled: boolean
  readonly mode: 'soft-bound' | 'classic' | 'static'
  /** What happens from T_d on: classic DST at the budget, or a frozen topology. */
  readonly finalPhase: 'classic-dst' | 'frozen'
  /** ΔTp. */
  readonly updateIntervalSteps: number
  /** T_d. */
  readonly softBoundEndStep: number
  readonly totalSteps: number
}

/**
 * The update due at step s: every ΔTp steps, the chosen mode until T_d (soft-bound as Chase/MEST, or
 * classic as `--dst`), then classic DST or nothing. `static` never updates (`--fix`).
 */
export function explorationAt(step: number, timing: ExplorationTiming): ExplorationUpdate | null {
  if (!timing.enabled || timing.mode === 'static') return null
  if (timing.updateIntervalSteps <= 0 || step < 1 || step > timing.totalSteps) return null
  if (step % timing.updateIntervalSteps !== 0) return null
  if (step < timing.softBoundEndStep) return timing.mode
  return timing.finalPhase === 'classic-dst' ? 'classic' : null
}

/** Every update step of the run with its kind, ascending. */
export function explorationSteps(timing: ExplorationTiming): { step: number; kind: ExplorationUpdate }[] {
  const updates: { step: number; kind: ExplorationUpdate }[] = []
  if (!timing.enabled || timing.mode === 'static' || timing.updateIntervalSteps <= 0) return updates
  for (let step = timing.updateIntervalSteps; step <= timing.totalSteps; step += timing.updateIntervalSteps) {
    const kind = explorationAt(step, timing)
    if (kind) updates.push({ step, kind })
  }
  return updates
}
