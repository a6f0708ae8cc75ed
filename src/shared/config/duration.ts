import { z } from 'zod'

/**
 * A length of training time given in the unit the researcher thinks in: optimizer steps, epochs, or a
 * fraction of the whole run. Schedules (ΔTp, ΔT, T_d, T_c) use it so that a 5-epoch run gets the same
 * shape of schedule as the paper's 160 epochs (spec, decision 9).
 */
export const DurationUnit = z.enum(['steps', 'epochs', 'fraction'])
export type DurationUnit = z.infer<typeof DurationUnit>

const DurationObject = z.object({
  value: z.number().nonnegative({ message: 'must be 0 or more' }),
  unit: DurationUnit,
})
export type Duration = z.infer<typeof DurationObject>

const durationText = /^\s*(\d+(?:\.\d+)?)\s*(steps?|epochs?|e|s|%|fraction)?\s*$/i

/** Parses "8000 steps", "130 epochs", "2e", "81.25%" or a bare number (steps). */
export function parseDuration(text: string): Duration | undefined {
  const match = durationText.exec(text)
  if (!match) return undefined
  const value = Number(match[1])
  const unitText = (match[2] ?? 'steps').toLowerCase()
  if (unitText === '%') return { value: value / 100, unit: 'fraction' }
  if (unitText === 'fraction') return { value, unit: 'fraction' }
  if (unitText.startsWith('e')) return { value, unit: 'epochs' }
  return { value, unit: 'steps' }
}

export const Duration = z.preprocess(
  (input) => {
    if (typeof input === 'number') return { value: input, unit: 'steps' }
    if (typeof input === 'string') return parseDuration(input) ?? input
    return input
  },
  DurationObject.refine((d) => d.unit !== 'fraction' || d.value <= 1, {
    message:
      'a fraction of the run must be between 0 and 1 (write "50%" or {"value": 0.5, "unit": "fraction"})',
  }),
)

/**
 * Converts a duration to whole optimizer steps for a run of `stepsPerEpoch` × `epochs`. A positive
 * length in epochs or as a share of the run is at least one step (1.25 % of a 10-step run is 1 step,
 * not 0); only an explicit `0 steps` gives 0.
 */
export function durationToSteps(duration: Duration, stepsPerEpoch: number, epochs: number): number {
  switch (duration.unit) {
    case 'steps':
      return Math.round(duration.value)
    case 'epochs':
      return atLeastOneStep(duration.value, duration.value * stepsPerEpoch)
    case 'fraction':
      return atLeastOneStep(duration.value, duration.value * stepsPerEpoch * epochs)
  }
}

function atLeastOneStep(value: number, steps: number): number {
  return value > 0 ? Math.max(1, Math.round(steps)) : 0
}

export function formatDuration(duration: Duration): string {
  if (duration.unit === 'fraction') return `${+(duration.value * 100).toFixed(4)}%`
  return `${duration.value} ${duration.unit}`
}
