import { totalmem } from 'node:os'
import { configOptions, parseCommandArgs } from '../args'
import { UsageError, type Command } from '../command'
import { loadConfig } from '../configSource'
import { formatTable } from '../table'
import { memoryText } from '../../host/memoryCheck'
import { computePlan, type ChasePlan, type PlanIssue } from '../../../shared/chase/plan'

const usage = `Usage: chase-workbench plan (--preset <name> | --config <file.json>) [--set key=value ...]
                           [--steps-per-epoch N] [--json]

Shows a run's plan without training: per-layer starting densities (ERK/ER/uniform), the budget d·N,
channel floors, the channel-event timeline with its alive-channel targets, the prune-and-grow updates
with dr(s), and dense / expected theoretical / GPU-supported MACs and the training-FLOPs ratio.
An infeasible config is reported with what to change (exit code 1).

Options:
  --preset <name>         start from a built-in preset (chase-workbench presets)
  --config <file.json>    start from a config file
  --set key=value         override a setting, repeatable (e.g. --set channels.sparsity=0.3)
  --steps-per-epoch N     plan for this many steps per epoch (when the data differs from the full set)
  --json                  machine-readable output
`

const options = {
  ...configOptions,
  'steps-per-epoch': { type: 'string' },
  json: { type: 'boolean', default: false },
} as const

const command: Command = {
  name: 'plan',
  summary: 'Show a run plan without training: ERK densities, floors, channel events, FLOPs',
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, options, false)
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`)
    const config = loadConfig({
      preset: values.preset,
      configFile: values.config,
      sets: values.set,
      cwd: io.cwd,
    })
    let stepsPerEpoch: number | undefined
    if (values['steps-per-epoch'] !== undefined) {
      stepsPerEpoch = Number(values['steps-per-epoch'])
      if (!Number.isInteger(stepsPerEpoch) || stepsPerEpoch < 1)
        throw new UsageError(
          `--steps-per-epoch must be a positive integer, got "${values['steps-per-epoch']}"`,
        )
    }
    const result = computePlan(config, { stepsPerEpoch })
    if (values.json) {
      const body = result.ok ? { ...result.plan, warnings: result.warnings } : result
      io.stdout.write(`${JSON.stringify(body, null, 2)}\n`)
      return result.ok ? 0 : 1
    }
    if (!result.ok) {
      io.stderr.write(`The run cannot be planned:\n${issues(result.errors)}`)
      if (result.warnings.length > 0) io.stderr.write(`Also:\n${issues(result.warnings)}`)
      return 1
    }
    io.stdout.write(describe(result.plan))
    if (result.warnings.length > 0) io.stdout.write(`\nWarnings:\n${issues(result.warnings)}`)
    return 0
  },
}
export default command

function issues(list: readonly PlanIssue[]): string {
  return list.map((i) => `  - ${i.path}: ${i.message}\n`).join('')
}

const count = (n: number) => n.toLocaleString('en-US')
const millions = (n: number) => `${(n / 1e6).toFixed(1)} M`
const fixed = (n: number, digits = 4) => n.toFixed(digits)

function memoryLine(plan: ChasePlan): string {
  const m = plan.memory
  return (
    `Memory ≥ ${memoryText(m.total)} per training step: weights ${memoryText(m.weights)}, momentum ${memoryText(m.momentum)}, ` +
    `gradients ${memoryText(m.gradients)}, masks ${memoryText(m.masks)}, activations ${memoryText(m.activations)}, ` +
    `convolution workspace ${memoryText(m.workspace)} (this machine: ${memoryText(totalmem())})`
  )
}

function describe(plan: ChasePlan): string {
  const t = plan.timing
  const out: string[] = []
  out.push(
    `${plan.model} ×${plan.widthMultiplier} on ${plan.dataset} (input ${plan.input.join('×')}, ${plan.classes} classes)`,
    `N = ${count(plan.maskableWeights)} maskable weights, d = ${plan.density}, budget d·N = ${count(plan.budget)}`,
    `${count(plan.trainImages - plan.validationImages)} training images (${count(plan.validationImages)} held out), ` +
      `${plan.stepsPerEpoch} steps/epoch × ${plan.epochs} epochs = ${count(plan.totalSteps)} steps`,
    `ΔTp = ${t.updateIntervalSteps}, T_d = ${t.softBoundEndStep}, ΔT = ${t.channelIntervalSteps}, ` +
      `T_c = ${t.channelEndStep} steps (events ${t.channelEventOffsetSteps} steps before each multiple of ΔT)`,
    '',
  )
  out.push(
    formatTable(
      ['layer', 'shape', 'weights', 'density', 'prunable', 'channels', 'floor'],
      plan.layers.map((l) => [
        l.name,
        l.shape.join('×'),
        count(l.weights),
        fixed(l.density),
        l.prunable ? 'yes' : 'no',
        String(l.channels),
        l.minChannels === null ? '—' : String(l.minChannels),
      ]),
    ),
    '',
  )
  if (plan.channelEvents.length > 0) {
    out.push(
      `Channel events (B = ${count(plan.baselineChannels)} prunable channels):`,
      formatTable(
        ['step', 'epoch', 'Sc(s)', 'alive target'],
        plan.channelEvents.map((e) => [
          String(e.step),
          (e.step / plan.stepsPerEpoch).toFixed(2),
          fixed(e.targetChannelSparsity),
          String(e.targetAliveChannels),
        ]),
      ),
      '',
    )
  } else {
    out.push('No channel events.', '')
  }
  const soft = plan.densityCurve.filter((p) => p.kind === 'soft-bound')
  const classic = plan.densityCurve.filter((p) => p.kind === 'classic')
  const updates: string[] = []
  if (soft.length > 0)
    updates.push(
      `${plan.updates.softBound} soft-bound updates (steps ${soft[0]!.step}–${soft.at(-1)!.step}), ` +
        `dr ${fixed(soft[0]!.densityAfter, 5)} → ${fixed(soft.at(-1)!.densityAfter, 5)}`,
    )
  if (classic.length > 0)
    updates.push(
      `${plan.updates.classic} classic-DST updates (steps ${classic[0]!.step}–${classic.at(-1)!.step}), ` +
        `dst_rate ${fixed(classic[0]!.dstRate!, 5)} → ${fixed(classic.at(-1)!.dstRate!, 5)}`,
    )
  out.push(updates.length > 0 ? updates.join('\n') : 'No prune-and-grow updates (static topology).', '')
  out.push(
    `Dense MACs ${millions(plan.denseMacs)}; expected at the end: theoretical ${millions(plan.expectedTheoreticalMacs)} ` +
      `(${fixed(plan.theoreticalRatio, 3)}×); GPU-supported between ${fixed(plan.gpuSupportedRatioRange[0], 3)}× and ` +
      `${fixed(plan.gpuSupportedRatioRange[1], 3)}× (a bound on every choice of channels that keeps the floors; ` +
      'which channels go is known only after training)',
    `LR decays after steps ${plan.lrMilestoneSteps.join(', ') || '— (no step schedule)'}; ` +
      `best checkpoint chosen in epochs ${plan.selectionWindow.startEpoch}–${plan.epochs - 1} ` +
      `(after step ${plan.selectionWindow.startStep})`,
    `Training FLOPs ≈ ${fixed(plan.trainingFlopsRatio, 3)}× dense training`,
    memoryLine(plan),
    '',
    ...plan.notes.map((n) => `Note: ${n}`),
    '',
  )
  return out.join('\n')
}
