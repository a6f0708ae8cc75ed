import { parseCommandArgs } from '../args'
import { UsageError, type Command, type CommandIo } from '../command'
import { modelCost } from '../../../shared/models/flops'
import type { ModelSpec, Shape } from '../../../shared/models/modelSpec'
import { buildModel, hasModel, modelNames } from '../../../shared/models/registry'

const usage = `Usage: chase-workbench model <name> [--input 32x32x3] [--classes 100] [--width 1.0] [--json]
       chase-workbench model --list [--json]

Describes a model without building tensors: every layer with its output shape, parameters and dense
MACs per image, the maskable weight count N, and the prunable channel groups (producer, BN, consumers).

Options:
  --input HxWxC   input image shape (default 32x32x3; 28x28x1 for Fashion-MNIST)
  --classes N     number of classes (default 100, the paper's CIFAR-100)
  --width X       width multiplier (default 1.0)
  --list          list the models
  --json          machine-readable output
`

const options = {
  input: { type: 'string', default: '32x32x3' },
  classes: { type: 'string', default: '100' },
  width: { type: 'string', default: '1' },
  list: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
} as const

/** What `model --json` prints; the table view shows the same data. */
export interface ModelDescription {
  readonly name: string
  readonly family: string
  readonly input: Shape
  readonly classes: number
  readonly widthMultiplier: number
  readonly maskableWeights: number
  readonly parameters: number
  readonly denseMacs: number
  /** B of chase-spec §0: Σ channels of all prunable groups. */
  readonly prunableChannels: number
  readonly layers: readonly { name: string; kind: string; shape: Shape; params: number; macs: number }[]
  readonly channelGroups: readonly {
    name: string
    producer: string
    norm: string | null
    consumers: readonly string[]
    channels: number
  }[]
}

export function describeModel(spec: ModelSpec): ModelDescription {
  const cost = modelCost(spec)
  return {
    name: spec.name,
    family: spec.family,
    input: spec.input,
    classes: spec.classes,
    widthMultiplier: spec.widthMultiplier,
    maskableWeights: cost.maskableWeights,
    parameters: cost.parameters,
    denseMacs: cost.denseMacs,
    prunableChannels: spec.channelGroups.reduce((sum, g) => sum + g.channels, 0),
    layers: cost.layers.map((l) => ({
      name: l.name,
      kind: l.kind,
      shape: l.outShape,
      params: l.parameters,
      macs: l.denseMacs,
    })),
    channelGroups: spec.channelGroups.map((g) => ({
      name: g.name,
      producer: g.producer,
      norm: g.norm ?? null,
      consumers: g.consumers,
      channels: g.channels,
    })),
  }
}

const command: Command = {
  name: 'model',
  summary: 'Describe a model: layers, MACs, maskable weights, channel groups',
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, options)
    if (values.list) return list(io, values.json)
    if (positionals.length !== 1)
      throw new UsageError(`give one model name (one of ${modelNames().join(', ')}), or --list`)
    const name = positionals[0]!
    if (!hasModel(name))
      throw new UsageError(`unknown model "${name}": pick one of ${modelNames().join(', ')}`)
    const input = parseInput(values.input)
    const classes = Number(values.classes)
    if (!Number.isInteger(classes) || classes < 1)
      throw new UsageError(`--classes must be a positive integer, got "${values.classes}"`)
    const widthMultiplier = Number(values.width)
    if (!(widthMultiplier > 0) || widthMultiplier > 4)
      throw new UsageError(`--width must be a number in (0, 4], got "${values.width}"`)
    let spec: ModelSpec
    try {
      spec = buildModel(name, { input, classes, widthMultiplier })
    } catch (error) {
      throw new UsageError(`${name} cannot be built for input ${values.input}: ${(error as Error).message}`)
    }
    const description = describeModel(spec)
    io.stdout.write(values.json ? `${JSON.stringify(description, null, 2)}\n` : table(description))
    return 0
  },
}
export default command

function list(io: CommandIo, json: boolean): number {
  const rows = modelNames().map((name) => {
    const spec = buildModel(name, { input: [32, 32, 3], classes: 100, widthMultiplier: 1 })
    return { name, family: spec.family, prunableLayers: spec.channelGroups.length, ...pick(modelCost(spec)) }
  })
  if (json) {
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`)
    return 0
  }
  const lines = rows.map((r) => [
    r.name,
    r.family,
    millions(r.maskableWeights),
    millions(r.denseMacs),
    String(r.prunableLayers),
  ])
  io.stdout.write(
    columns(
      [['model', 'family', 'weights', 'MACs', 'prunable layers'], ...lines],
      [false, false, true, true, true],
    ),
  )
  io.stdout.write('(weights and MACs at 32x32x3, 100 classes, width 1)\n')
  return 0
}

function pick(cost: { maskableWeights: number; denseMacs: number }): {
  maskableWeights: number
  denseMacs: number
} {
  return { maskableWeights: cost.maskableWeights, denseMacs: cost.denseMacs }
}

function parseInput(text: string): number[] {
  const dims = text.split(/[x×,]/).map((d) => Number(d.trim()))
  if ((dims.length !== 3 && dims.length !== 1) || dims.some((d) => !Number.isInteger(d) || d < 1))
    throw new UsageError(`--input must look like 32x32x3 (height x width x channels), got "${text}"`)
  return dims
}

function table(d: ModelDescription): string {
  const layerRows = d.layers.map((l) => [
    l.name,
    l.kind,
    l.shape.join('x'),
    l.params ? count(l.params) : '',
    l.macs ? count(l.macs) : '',
  ])
  const groupRows = d.channelGroups.map((g) => [
    g.name,
    String(g.channels),
    g.norm ?? '',
    g.consumers.join(', '),
  ])
  return [
    `${d.name} (${d.family}), input ${d.input.join('x')}, ${d.classes} classes, width ×${d.widthMultiplier}`,
    `maskable weights N = ${count(d.maskableWeights)}, parameters ${count(d.parameters)} (weights + biases), dense ${millions(d.denseMacs)} MACs per image`,
    `${d.channelGroups.length} prunable channel groups, B = ${count(d.prunableChannels)} channels`,
    '',
    columns([['layer', 'kind', 'output', 'params', 'MACs'], ...layerRows], [false, false, false, true, true]),
    columns([['channel group', 'channels', 'norm', 'consumers'], ...groupRows], [false, true, false, false]),
  ].join('\n')
}

function count(n: number): string {
  return n.toLocaleString('en-US')
}

function millions(n: number): string {
  return `${(n / 1e6).toFixed(2)} M`
}

function columns(rows: readonly string[][], rightAligned: readonly boolean[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)))
  return rows
    .map((r) =>
      r
        .map((cell, c) => (rightAligned[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
    .concat('\n')
}
