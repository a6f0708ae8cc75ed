/**
 * One training step of a small CNN with batch norm, timed on every CPU path in one run:
 *   tfjs `cpu` · tfjs `wasm` single-threaded · tfjs `wasm` multithreaded · PyTorch (reference)
 * and the ratio of each to PyTorch's images/s (the project target: ≥ 0.3 for training).
 *
 *   npx tsx bench/kernels.ts [--no-cpu] [--no-torch] [--steps N] [--threads N] [--profile]
 *
 * The network is `cnn-small` on CIFAR-sized input (batch 64 of 32×32×3): three 3×3 pad-1 conv + BN +
 * ReLU blocks of widths 32/64/128, 2×2 max-pools after the first two, global average pool, dense 10;
 * softmax cross-entropy; SGD with momentum 0.9 and weight decay 5e-4. BN uses the batch moments the way
 * the trainer's forward pass does (moments, subtract, scale, shift). PyTorch runs the same network
 * through `/usr/bin/python3` (Debian python3-torch) with `torch.set_num_threads(2)`.
 */
import * as tf from '@tensorflow/tfjs-core'
// Gradient functions: tfjs-core's Node bundle registers none; tfjs-layers registers them all.
import '@tensorflow/tfjs-layers'
import { spawnSync } from 'node:child_process'
import { availableParallelism, loadavg } from 'node:os'
import { pickBackend } from '../src/trainer/backend/pickBackend'

const batch = 64
const classes = 10
const blocks = [
  { name: 'conv1', inChannels: 3, outChannels: 32, pool: true },
  { name: 'conv2', inChannels: 32, outChannels: 64, pool: true },
  { name: 'conv3', inChannels: 64, outChannels: 128, pool: false },
]

interface Options {
  cpu: boolean
  torch: boolean
  steps: number
  threads: number
  profile: boolean
}

function parseOptions(argv: string[]): Options {
  const value = (flag: string, fallback: number) => {
    const at = argv.indexOf(flag)
    return at >= 0 ? Number(argv[at + 1]) : fallback
  }
  return {
    cpu: !argv.includes('--no-cpu'),
    torch: !argv.includes('--no-torch'),
    steps: value('--steps', 10),
    threads: value('--threads', Math.min(8, availableParallelism())),
    profile: argv.includes('--profile'),
  }
}

type Params = Record<string, tf.Variable>

function makeParams(): Params {
  const params: Params = {}
  let seed = 1
  const add = (name: string, value: tf.Tensor) => (params[name] = tf.variable(value, true, name))
  for (const b of blocks) {
    add(
      `${b.name}.weight`,
      tf.randomNormal(
        [3, 3, b.inChannels, b.outChannels],
        0,
        Math.sqrt(2 / (9 * b.outChannels)),
        'float32',
        seed++,
      ),
    )
    add(`${b.name}.gamma`, tf.ones([b.outChannels]))
    add(`${b.name}.beta`, tf.zeros([b.outChannels]))
  }
  add('fc.weight', tf.randomNormal([128, classes], 0, 0.01, 'float32', seed++))
  add('fc.bias', tf.zeros([classes]))
  return params
}

function forward(p: Params, x: tf.Tensor4D): tf.Tensor2D {
  let h: tf.Tensor4D = x
  for (const b of blocks) {
    h = tf.conv2d(h, p[`${b.name}.weight`] as tf.Tensor4D, 1, 1)
    const { mean, variance } = tf.moments(h, [0, 1, 2])
    const scale = tf.mul(p[`${b.name}.gamma`]!, tf.rsqrt(tf.add(variance, 1e-5)))
    h = tf.relu(tf.add(tf.mul(tf.sub(h, mean), scale), p[`${b.name}.beta`]!)) as tf.Tensor4D
    if (b.pool) h = tf.maxPool(h, 2, 2, 'valid')
  }
  const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D
  return tf.add(tf.matMul(pooled, p['fc.weight'] as tf.Tensor2D), p['fc.bias']!) as tf.Tensor2D
}

function makeStep(p: Params) {
  const velocity = Object.fromEntries(
    Object.entries(p).map(([name, v]) => [name, tf.variable(tf.zerosLike(v), false)]),
  )
  return (x: tf.Tensor4D, labels: tf.Tensor2D) =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.losses.softmaxCrossEntropy(labels, forward(p, x)) as tf.Scalar,
      )
      for (const [name, weight] of Object.entries(p)) {
        const v = velocity[name]!
        v.assign(tf.add(tf.mul(v, 0.9), tf.add(grads[name]!, tf.mul(weight, 5e-4))))
        weight.assign(tf.sub(weight, tf.mul(v, 0.01)))
      }
      return value
    })
}

interface Timing {
  path: string
  msPerStep: number[]
  cpuMsPerStep: number[]
  detail: string
}

async function timeTfjs(
  path: string,
  steps: number,
  warmup: number,
  detail: string,
  profile: boolean,
): Promise<Timing> {
  const p = makeParams()
  const step = makeStep(p)
  const x = tf.randomNormal([batch, 32, 32, 3], 0, 1, 'float32', 7) as tf.Tensor4D
  const labels = tf.tidy(() =>
    tf.cast(tf.oneHot(tf.randomUniform([batch], 0, classes, 'int32', 8) as tf.Tensor1D, classes), 'float32'),
  ) as tf.Tensor2D
  const msPerStep: number[] = []
  const cpuMsPerStep: number[] = []
  let tensorsAfterWarmup = 0
  for (let i = 0; i < warmup + steps; i++) {
    if (i === warmup) tensorsAfterWarmup = tf.memory().numTensors
    const cpuStart = process.cpuUsage()
    const start = performance.now()
    const loss = step(x, labels)
    await loss.data()
    loss.dispose()
    if (i >= warmup) {
      msPerStep.push(performance.now() - start)
      const cpu = process.cpuUsage(cpuStart)
      cpuMsPerStep.push((cpu.user + cpu.system) / 1000)
    }
  }
  if (tf.memory().numTensors !== tensorsAfterWarmup) throw new Error(`${path}: tensors leak across steps`)
  const parameterCount = Object.values(p).reduce((sum, v) => sum + v.size, 0)
  detail = `${detail}, ${parameterCount} params`
  if (profile) await printProfile(path, () => step(x, labels))
  tf.dispose([x, labels, ...Object.values(p)])
  return { path, msPerStep, cpuMsPerStep, detail }
}

async function printProfile(path: string, run: () => tf.Tensor): Promise<void> {
  const info = await tf.profile(() => run())
  const byKernel = new Map<string, { ms: number; calls: number }>()
  for (const k of info.kernels) {
    const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 }
    entry.ms += Number(k.kernelTimeMs)
    entry.calls++
    byKernel.set(k.name, entry)
  }
  const rows = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms)
  const total = rows.reduce((sum, [, e]) => sum + e.ms, 0)
  console.log(`\n  kernels of one ${path} step (${total.toFixed(0)} ms in kernels):`)
  for (const [name, e] of rows.filter(([, e]) => e.ms >= 0.5)) {
    console.log(
      `    ${name.padEnd(22)} ${e.ms.toFixed(1).padStart(7)} ms  ${String(e.calls).padStart(3)} calls`,
    )
  }
}

const torchScript = String.raw`
import json, sys, time, torch
from torch import nn
torch.manual_seed(0)
torch.set_num_threads(2)
steps, warmup = int(sys.argv[1]), 3
def block(cin, cout, pool):
    layers = [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]
    return layers + ([nn.MaxPool2d(2)] if pool else [])
model = nn.Sequential(*block(3, 32, True), *block(32, 64, True), *block(64, 128, False),
                      nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, 10))
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
x, y = torch.randn(64, 3, 32, 32), torch.randint(0, 10, (64,))
loss_fn = nn.CrossEntropyLoss()
times = []
for i in range(warmup + steps):
    t = time.perf_counter()
    opt.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()
    if i >= warmup: times.append((time.perf_counter() - t) * 1000)
print(json.dumps({"version": torch.__version__, "threads": torch.get_num_threads(),
                  "params": sum(p.numel() for p in model.parameters()), "ms": times}))
`

function timeTorch(steps: number): Timing | string {
  const python = '/usr/bin/python3'
  const result = spawnSync(python, ['-c', torchScript, String(steps)], { encoding: 'utf8', timeout: 600_000 })
  if (result.error) return `PyTorch: ${python} did not run (${result.error.message})`
  if (result.status !== 0) {
    const last = result.stderr.trim().split('\n').pop() ?? ''
    return `PyTorch: not available (${last}); install it with \`apt-get install python3-torch\``
  }
  const out = JSON.parse(result.stdout.trim().split('\n').pop()!) as {
    version: string
    threads: number
    params: number
    ms: number[]
  }
  return {
    path: 'PyTorch',
    msPerStep: out.ms,
    cpuMsPerStep: [],
    detail: `torch ${out.version}, ${out.threads} threads, ${out.params} params`,
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2))
  const timings: Timing[] = []
  const notes: string[] = []
  if (options.cpu) {
    const report = await pickBackend('cpu')
    timings.push(await timeTfjs('tfjs cpu', 1, 0, `tfjs-backend-cpu ${report.version}`, false))
  }
  const single = await pickBackend('wasm', { threads: 1 })
  timings.push(await timeTfjs('wasm 1 thread', options.steps, 3, `SIMD ${single.simd}`, options.profile))
  if (options.threads > 1) {
    const multi = await pickBackend('wasm', { threads: options.threads })
    if (multi.threads > 1) {
      timings.push(
        await timeTfjs(
          `wasm ${multi.threads} threads`,
          options.steps,
          3,
          `SIMD ${multi.simd}`,
          options.profile,
        ),
      )
    } else notes.push(`multithreaded wasm did not start: ${multi.skipped.join('; ')}`)
  }
  if (options.torch) {
    const torch = timeTorch(options.steps)
    if (typeof torch === 'string') notes.push(torch)
    else timings.push(torch)
  }

  const torchMs = timings.find((t) => t.path === 'PyTorch')
  const reference = torchMs ? median(torchMs.msPerStep) : null
  const [load1] = loadavg()
  console.log(
    `\nOne training step, batch ${batch} of 32×32×3, cnn-small (conv 32/64/128 + BN + ReLU, dense 10)`,
  )
  console.log(`machine: ${availableParallelism()} cores, load average ${load1!.toFixed(2)} at the end\n`)
  console.log(
    `${'path'.padEnd(18)} ${'ms/step'.padStart(9)} ${'min'.padStart(9)} ${'cpu ms'.padStart(9)} ${'images/s'.padStart(9)}  vs PyTorch`,
  )
  for (const t of timings) {
    const ms = median(t.msPerStep)
    const ratio = reference === null ? '' : `${(reference / ms).toFixed(3)}×`
    const cpuMs = t.cpuMsPerStep.length > 0 ? median(t.cpuMsPerStep).toFixed(1) : ''
    console.log(
      `${t.path.padEnd(18)} ${ms.toFixed(1).padStart(9)} ${Math.min(...t.msPerStep)
        .toFixed(1)
        .padStart(
          9,
        )} ${cpuMs.padStart(9)} ${((batch * 1000) / ms).toFixed(0).padStart(9)}  ${ratio.padStart(9)}   ${t.detail}`,
    )
  }
  const one = timings.find((t) => t.path === 'wasm 1 thread')
  const many = timings.find((t) => t.path.startsWith('wasm ') && t !== one)
  if (one && many)
    console.log(`\nmultithread gain: ${(median(one.msPerStep) / median(many.msPerStep)).toFixed(2)}×`)
  for (const note of notes) console.log(`note: ${note}`)
}

await main()
