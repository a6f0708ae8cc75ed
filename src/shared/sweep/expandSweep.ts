import { computePlan } from '../chase/plan'
import type { ExperimentConfig } from '../config/experimentConfig'
import { applyOverrides } from '../config/overrides'
import { parseExperimentConfig } from '../config/parseConfig'
import { maxSweepCells, type SweepAxis, type SweepCombine } from './sweepSpec'

export type AxisValue = SweepAxis['values'][number]

/** One grid cell: the value of every axis, and the full config it gives. */
export interface SweepCell {
  readonly index: number
  /** Axis path → value, in axis order. */
  readonly values: Readonly<Record<string, AxisValue>>
  readonly config: ExperimentConfig
  readonly totalSteps: number
  readonly gpuSupportedRatio: number
}

/** A field that is wrong in one cell (or in the axes themselves when `cell` is null). */
export interface SweepProblem {
  readonly cell: number | null
  readonly values: Readonly<Record<string, AxisValue>>
  readonly path: string
  readonly message: string
}

export type SweepExpansion =
  | { readonly ok: true; readonly cells: readonly SweepCell[]; readonly totalSteps: number }
  | { readonly ok: false; readonly problems: readonly SweepProblem[] }

/** The axis values of every cell, in order: the first axis varies slowest (as nested loops read). */
export function axisCombinations(
  axes: readonly SweepAxis[],
  combine: SweepCombine,
): Record<string, AxisValue>[] {
  if (combine === 'zip') {
    const length = axes[0]?.values.length ?? 0
    return Array.from({ length }, (_, i) => Object.fromEntries(axes.map((a) => [a.path, a.values[i]!])))
  }
  let rows: Record<string, AxisValue>[] = [{}]
  for (const axis of axes) rows = rows.flatMap((row) => axis.values.map((v) => ({ ...row, [axis.path]: v })))
  return rows
}

/** Checks the axes themselves: duplicate paths, zip lengths, and the size of the grid. */
export function axisProblems(axes: readonly SweepAxis[], combine: SweepCombine): SweepProblem[] {
  const problems: SweepProblem[] = []
  const seen = new Set<string>()
  axes.forEach((axis, i) => {
    if (seen.has(axis.path))
      problems.push({
        cell: null,
        values: {},
        path: `axes.${i}.path`,
        message: `${axis.path} is varied twice: merge its values into one axis`,
      })
    seen.add(axis.path)
    if (new Set(axis.values.map((v) => JSON.stringify(v))).size !== axis.values.length)
      problems.push({
        cell: null,
        values: {},
        path: `axes.${i}.values`,
        message: `${axis.path} lists a value twice: every cell would run twice`,
      })
  })
  if (combine === 'zip' && new Set(axes.map((a) => a.values.length)).size > 1)
    problems.push({
      cell: null,
      values: {},
      path: 'axes',
      message: `zipped axes need the same number of values (they have ${axes.map((a) => a.values.length).join(', ')}): use combine "grid" or equal lists`,
    })
  const cells =
    combine === 'zip' ? (axes[0]?.values.length ?? 0) : axes.reduce((n, a) => n * a.values.length, 1)
  if (cells > maxSweepCells)
    problems.push({
      cell: null,
      values: {},
      path: 'axes',
      message: `the grid has ${cells} cells, more than ${maxSweepCells}: split it into several sweeps`,
    })
  return problems
}

/**
 * Expands a base config and its axes into cells, validating every cell's config and plan before anything
 * starts: either every cell is runnable or the caller gets every wrong field of every cell.
 */
export function expandSweep(
  base: ExperimentConfig,
  axes: readonly SweepAxis[],
  combine: SweepCombine,
): SweepExpansion {
  const axisIssues = axisProblems(axes, combine)
  if (axisIssues.length > 0) return { ok: false, problems: axisIssues }
  const cells: SweepCell[] = []
  const problems: SweepProblem[] = []
  axisCombinations(axes, combine).forEach((values, index) => {
    let input: Record<string, unknown>
    try {
      input = applyOverrides(
        base as unknown as Record<string, unknown>,
        Object.entries(values).map(([path, value]) => ({ path: path.split('.'), value })),
      )
    } catch (error) {
      problems.push({
        cell: index,
        values,
        path: Object.keys(values).join(', '),
        message: (error as Error).message,
      })
      return
    }
    const parsed = parseExperimentConfig(input)
    if (!parsed.ok) {
      for (const issue of parsed.issues)
        problems.push({ cell: index, values, path: issue.path, message: issue.message })
      return
    }
    const plan = computePlan(parsed.config)
    if (!plan.ok) {
      for (const issue of plan.errors) problems.push({ cell: index, values, ...issue })
      return
    }
    cells.push({
      index,
      values,
      config: parsed.config,
      totalSteps: plan.plan.totalSteps,
      gpuSupportedRatio: plan.plan.gpuSupportedRatio,
    })
  })
  if (problems.length > 0) return { ok: false, problems }
  return { ok: true, cells, totalSteps: cells.reduce((n, c) => n + c.totalSteps, 0) }
}

/** `channels.sparsity=0.3, system.seed=41`: how a cell is named in lists and on the command line. */
export function cellLabel(values: Readonly<Record<string, AxisValue>>): string {
  return Object.entries(values)
    .map(([path, value]) => `${path}=${String(value)}`)
    .join(', ')
}
