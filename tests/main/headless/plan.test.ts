import { Writable } from 'node:stream'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../../src/main/headless/cli'
import type { CommandIo } from '../../../src/main/headless/command'

async function run(
  args: string[],
  cwd = process.cwd(),
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = []
  const err: string[] = []
  const sink = (into: string[]): Writable =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        into.push(chunk.toString())
        done()
      },
    })
  const io: CommandIo = { stdout: sink(out), stderr: sink(err), env: {}, cwd }
  const code = await main(args, io)
  return { code, stdout: out.join(''), stderr: err.join('') }
}

interface PlanJson {
  model: string
  dataset: string
  maskableWeights: number
  budget: number
  stepsPerEpoch: number
  totalSteps: number
  denseMacs: number
  layers: {
    name: string
    shape: number[]
    density: number
    prunable: boolean
    channels: number
    minChannels: number | null
  }[]
  channelEvents: { step: number; targetChannelSparsity: number; targetAliveChannels: number }[]
  warnings: unknown[]
}

describe('chase-workbench plan', () => {
  it('prints the paper VGG-19 plan as JSON: ERK densities, floors 6/12/25/51, the 8 channel events', async () => {
    const { code, stdout } = await run(['plan', '--preset', 'paper-vgg19-cifar100', '--json'])
    expect(code).toBe(0)
    const plan = JSON.parse(stdout) as PlanJson
    expect(plan).toMatchObject({
      model: 'vgg19',
      dataset: 'cifar100',
      maskableWeights: 20_070_080,
      stepsPerEpoch: 475,
    })
    expect(plan.budget).toBeCloseTo(2_007_008, 6)
    expect(plan.denseMacs).toBe(398_182_400)
    const density = (name: string) => plan.layers.find((l) => l.name === name)!.density
    expect(density('features.0')).toBe(1)
    expect(density('classifier')).toBe(1)
    const expected = [0.6751, 0.4987, 0.33, 0.2456, 0.1631, 0.1631, 0.1631, 0.1219, 0.0811]
    plan.layers.slice(1, 10).forEach((l, i) => expect(l.density).toBeCloseTo(expected[i]!, 4))
    expect(plan.layers[0]).toMatchObject({
      name: 'features.0',
      shape: [3, 3, 3, 64],
      prunable: true,
      channels: 64,
    })
    const floors = new Map(plan.layers.filter((l) => l.prunable).map((l) => [l.channels, l.minChannels]))
    expect(Object.fromEntries(floors)).toEqual({ 64: 6, 128: 12, 256: 25, 512: 51 })
    expect(plan.channelEvents.map((e) => e.step / 475)).toEqual([15, 31, 47, 63, 79, 95, 111, 127])
    expect(plan.channelEvents.map((e) => e.targetAliveChannels)).toEqual([
      4224, 3598, 3146, 2838, 2647, 2545, 2504, 2496,
    ])
    expect(plan.warnings).toEqual([])
  })

  it('puts the end of pruning, the LR milestones and the selection window at the paper epochs', async () => {
    const { stdout } = await run(['plan', '--preset', 'paper-vgg19-cifar100', '--json'])
    const plan = JSON.parse(stdout) as PlanJson & {
      timing: { channelEndStep: number; softBoundEndStep: number }
      lrMilestoneSteps: number[]
      selectionWindow: { startStep: number }
      gpuSupportedRatioRange: [number, number]
    }
    expect(plan.timing.channelEndStep / 475).toBe(130)
    expect(plan.timing.softBoundEndStep / 475).toBe(130)
    expect(plan.lrMilestoneSteps.map((s) => s / 475)).toEqual([80, 120])
    expect(plan.selectionWindow.startStep / 475).toBe(130)
    expect(plan.gpuSupportedRatioRange[0]).toBeCloseTo(0.077, 3)
    expect(plan.gpuSupportedRatioRange[1]).toBeCloseTo(0.713, 3)
  })

  it('prints a readable table with the layers and the events', async () => {
    const { code, stdout } = await run(['plan', '--preset', 'paper-vgg19-cifar100'])
    expect(code).toBe(0)
    expect(stdout).toMatch(/features\.3\s+3×3×64×64\s+36,864\s+0\.6751\s+yes\s+64\s+6/)
    expect(stdout).toMatch(/7125\s+15\.00\s+0\.1539\s+4224/)
    expect(stdout).toMatch(/64 soft-bound updates .* dr 0\.14997 → 0\.10003/)
  })

  it('applies --set overrides and --steps-per-epoch', async () => {
    const { stdout } = await run([
      'plan',
      '--preset',
      'paper-resnet50-cifar100',
      '--set',
      'channels.sparsity=0.3',
      '--steps-per-epoch',
      '500',
      '--json',
    ])
    const plan = JSON.parse(stdout) as PlanJson
    expect(plan.totalSteps).toBe(80_000)
    expect(plan.channelEvents).toHaveLength(65)
    expect(plan.channelEvents.at(-1)!.targetChannelSparsity).toBeCloseTo(0.3, 4)
    expect(plan.layers.find((l) => l.name === 'layer1.0.conv1')!.minChannels).toBe(22)
  })

  it('reads a config file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plan-'))
    const config = {
      model: { arch: 'cnn-small' },
      channels: { interval: '1 epoch' },
      sparsity: { updateInterval: '0.25 epochs' },
    }
    writeFileSync(join(dir, 'run.json'), JSON.stringify(config))
    const { code, stdout } = await run(['plan', '--config', 'run.json', '--json'], dir)
    expect(code).toBe(0)
    expect((JSON.parse(stdout) as PlanJson).model).toBe('cnn-small')
  })

  it('explains an infeasible config and exits 1', async () => {
    const { code, stderr } = await run([
      'plan',
      '--preset',
      'quick-fashion-mnist',
      '--set',
      'channels.interval="100 epochs"',
    ])
    expect(code).toBe(1)
    expect(stderr).toMatch(/channels\.interval: no channel event falls in the run/)
  })

  it('rejects a missing config source as a usage error', async () => {
    const { code, stderr } = await run(['plan'])
    expect(code).toBe(2)
    expect(stderr).toMatch(/--preset/)
  })
})

describe('plan: memory estimate', () => {
  it('prints the memory a training step needs, part by part, and gives it in --json', async () => {
    const text = await run(['plan', '--preset', 'paper-vgg19-cifar100', '--set', 'model.widthMultiplier=4'])
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(
      /Memory ≥ \d+\.\d GiB per training step: weights 1\.2 GiB, momentum 1\.2 GiB, gradients 1\.2 GiB, masks \d+ MiB, activations .* \(this machine: .*\)/,
    )
    const json = await run(['plan', '--preset', 'paper-vgg19-cifar100', '--json'])
    const memory = (JSON.parse(json.stdout) as { memory: Record<string, number> }).memory
    expect(memory.weights).toBeGreaterThan(20e6 * 4)
    expect(memory.total).toBe(
      memory.weights! +
        memory.momentum! +
        memory.gradients! +
        memory.masks! +
        memory.activations! +
        memory.workspace!,
    )
  })
})
