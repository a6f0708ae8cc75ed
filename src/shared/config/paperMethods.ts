import { parseDuration, type Duration } from './duration'
import type { ExperimentConfigInput } from './experimentConfig'

/**
 * The rows of the paper's table as modes of the same engine: each method is a set of overrides on a base
 * (Chase) preset, so a row trains at the base's scale, data and budget. Exploration of the DST baselines
 * follows the official code base (sparselearning: `--death magnitude|global_magnitude`, `--growth
 * random|gradients|global_gradients`, cosine-annealed update fraction 0.3 → 0 ending at 75 % of the run).
 */
export const paperMethods = [
  'dense',
  'set-layer',
  'set-global',
  'rigl-layer',
  'rigl-global',
  'rigl-itop',
  'mest',
  'chase-sc0',
  'chase-sc0.3',
  'chase-sc0.4',
  'chase',
  'chase-1.5x',
] as const
export type PaperMethod = (typeof paperMethods)[number]

export const paperMethodTitles: Readonly<Record<PaperMethod, string>> = {
  dense: 'Dense',
  'set-layer': 'SET (layer-wise)',
  'set-global': 'SET (global)',
  'rigl-layer': 'RigL (layer-wise)',
  'rigl-global': 'RigL (global)',
  'rigl-itop': 'RigL-ITOP',
  mest: 'MEST',
  'chase-sc0': 'Chase (Sc = 0)',
  'chase-sc0.3': 'Chase (Sc = 0.3)',
  'chase-sc0.4': 'Chase (Sc = 0.4)',
  chase: 'Chase',
  'chase-1.5x': 'Chase 1.5×',
}

type Sparsity = NonNullable<ExperimentConfigInput['sparsity']>

/** RigL: classic DST from the start, fraction 0.3 annealed to 0 at T_end = 75 % of the run, then frozen. */
const riglLike = (regrowth: 'gradient' | 'random', updateScope: 'global' | 'layer'): Sparsity => ({
  exploration: 'classic',
  regrowth,
  updateScope,
  dstRateStart: 0.3,
  dstRateEnd: 0,
  dstRateHorizon: 'phase',
  softBoundEnd: { value: 0.75, unit: 'fraction' },
  finalPhase: 'frozen',
})

const methodOverrides: Readonly<
  Record<Exclude<PaperMethod, 'chase' | 'chase-1.5x'>, { sparsity?: Sparsity; channels?: object }>
> = {
  dense: { sparsity: { enabled: false }, channels: { enabled: false } },
  'set-layer': { sparsity: riglLike('random', 'layer'), channels: { enabled: false } },
  'set-global': { sparsity: riglLike('random', 'global'), channels: { enabled: false } },
  'rigl-layer': { sparsity: riglLike('gradient', 'layer'), channels: { enabled: false } },
  'rigl-global': { sparsity: riglLike('gradient', 'global'), channels: { enabled: false } },
  // ITOP keeps exploring to the end: the fraction anneals over the whole run and never freezes.
  'rigl-itop': {
    sparsity: {
      ...riglLike('gradient', 'layer'),
      dstRateHorizon: 'run',
      softBoundEnd: { value: 1, unit: 'fraction' },
    },
    channels: { enabled: false },
  },
  // The official `--mest` without `--mest_dst`: the soft bound until T_d, then a frozen topology.
  mest: { sparsity: { exploration: 'soft-bound', finalPhase: 'frozen' }, channels: { enabled: false } },
  'chase-sc0': { channels: { enabled: false } },
  'chase-sc0.3': { channels: { sparsity: 0.3 } },
  'chase-sc0.4': { channels: { sparsity: 0.4 } },
}

/** The base preset's config turned into one method's row (the base itself is `chase`). */
export function configForMethod(base: ExperimentConfigInput, method: PaperMethod): ExperimentConfigInput {
  if (method === 'chase') return base
  if (method === 'chase-1.5x') return stretchRun(base, 1.5)
  const o = methodOverrides[method]
  return {
    ...base,
    sparsity: { ...base.sparsity, ...o.sparsity },
    channels: { ...base.channels, ...o.channels },
  }
}

/**
 * The run `factor`× longer with every schedule stretched in proportion: epochs, and every schedule length
 * given in steps or epochs (those given as a fraction of the run stretch by themselves). Epochs round to
 * a whole number and the lengths scale by the factor actually applied.
 */
export function stretchRun(base: ExperimentConfigInput, factor: number): ExperimentConfigInput {
  const epochs = base.optim?.epochs ?? 10
  const stretchedEpochs = Math.max(1, Math.round(epochs * factor))
  const applied = stretchedEpochs / epochs
  const stretch = (input: unknown): Duration | undefined => {
    // Written as "8000 steps" or a bare number of steps: read it as the config parser does.
    const d =
      typeof input === 'number'
        ? { value: input, unit: 'steps' as const }
        : typeof input === 'string'
          ? parseDuration(input)
          : (input as Duration | undefined)
    if (d === undefined || d.unit === 'fraction') return d
    const value = d.unit === 'steps' ? Math.round(d.value * applied) : d.value * applied
    return { ...d, value }
  }
  return {
    ...base,
    optim: { ...base.optim, epochs: stretchedEpochs },
    sparsity: {
      ...base.sparsity,
      updateInterval: stretch(base.sparsity?.updateInterval),
      softBoundEnd: stretch(base.sparsity?.softBoundEnd),
    },
    channels: {
      ...base.channels,
      interval: stretch(base.channels?.interval),
      end: stretch(base.channels?.end),
    },
    selection: { ...base.selection, window: stretch(base.selection?.window) },
  }
}
