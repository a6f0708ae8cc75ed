import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { main } from '../../../src/main/headless/cli'
import type { CommandIo } from '../../../src/main/headless/command'
import type { ModelDescription } from '../../../src/main/headless/commands/model'

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = []
  const err: string[] = []
  const sink = (into: string[]): Writable =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        into.push(chunk.toString())
        done()
      },
    })
  const io: CommandIo = { stdout: sink(out), stderr: sink(err), env: {}, cwd: process.cwd() }
  const code = await main(args, io)
  return { code, stdout: out.join(''), stderr: err.join('') }
}

describe('chase-workbench model', () => {
  it('prints the VGG-19/C100 description as JSON with the reference counts', async () => {
    const { code, stdout } = await run(['model', 'vgg19', '--json'])
    expect(code).toBe(0)
    const d = JSON.parse(stdout) as ModelDescription
    expect(d).toMatchObject({
      name: 'vgg19',
      input: [32, 32, 3],
      classes: 100,
      maskableWeights: 20_070_080,
      denseMacs: 398_182_400,
    })
    expect(d.layers[1]).toEqual({
      name: 'features.0',
      kind: 'conv2d',
      shape: [32, 32, 64],
      params: 1792,
      macs: 1_769_472,
    })
    expect(d.channelGroups).toHaveLength(15)
    expect(d.channelGroups[0]).toEqual({
      name: 'features.0',
      producer: 'features.0',
      norm: 'features.1',
      consumers: ['features.3'],
      channels: 64,
    })
    expect(d.layers.reduce((s, l) => s + l.macs, 0)).toBe(d.denseMacs)
  })

  it('honours --input, --classes and --width', async () => {
    const { stdout } = await run([
      'model',
      'cnn-small',
      '--input',
      '28x28x1',
      '--classes',
      '10',
      '--width',
      '0.5',
      '--json',
    ])
    const d = JSON.parse(stdout) as ModelDescription
    expect(d.input).toEqual([28, 28, 1])
    expect(d.layers.at(-1)).toMatchObject({ name: 'fc', shape: [10] })
    expect(d.channelGroups.map((g) => g.channels)).toEqual([16, 32])
  })

  it('prints a readable table by default', async () => {
    const { code, stdout } = await run(['model', 'resnet50'])
    expect(code).toBe(0)
    expect(stdout).toContain('maskable weights N = 23,652,032')
    expect(stdout).toContain('1298.01 M MACs')
    expect(stdout).toMatch(/layer3\.2\.conv1\s+conv2d\s+8x8x256/)
    expect(stdout).toMatch(/layer3\.2\.conv1\s+256\s+layer3\.2\.bn1\s+layer3\.2\.conv2/)
  })

  it('lists the models', async () => {
    const { code, stdout } = await run(['model', '--list'])
    expect(code).toBe(0)
    for (const name of ['mlp', 'cnn-small', 'vgg19', 'resnet20', 'resnet50'])
      expect(stdout).toMatch(new RegExp(`^${name}\\s`, 'm'))
    const json = JSON.parse((await run(['model', '--list', '--json'])).stdout) as { name: string }[]
    expect(json.map((m) => m.name)).toContain('resnet56')
  })

  it('answers bad arguments with a usage error and exit code 2', async () => {
    expect(await run(['model', 'vgg20'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/unknown model "vgg20"/),
    })
    expect(await run(['model'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/give one model name/),
    })
    expect(await run(['model', 'vgg19', '--input', '32x32'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--input must look like/),
    })
    expect(await run(['model', 'vgg19', '--classes', '0'])).toMatchObject({ code: 2 })
    expect(await run(['model', 'vgg19', '--input', '8x8x3'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/does not fit/),
    })
    expect(await run(['model', 'vgg19', '--depth', '3'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/unknown option/),
    })
  })
})
