import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { hasModel, modelNames } from '../../src/shared/models/registry'

/** What `npm run bench -- gpu` measures, and how long it may take. */
export interface GpuBenchOptions {
  /** Registry models, trained and inferred at 32×32×3, 10 classes, full width. */
  readonly models: readonly string[]
  readonly batch: number
  /** Untimed then timed training steps per row. */
  readonly warmupSteps: number
  readonly steps: number
  readonly inferenceBatch: number
  readonly inferenceWarmup: number
  readonly inferenceReps: number
  /** Channels removed at random from every group of the slimmed network (the paper's Sc). */
  readonly channelSparsity: number
  readonly rows: { readonly webgpu: boolean; readonly wasm: boolean; readonly torch: boolean }
  readonly inference: boolean
  /** CPU threads for wasm and for PyTorch on the CPU. */
  readonly threads: number | undefined
  readonly torchDevice: 'cpu' | 'cuda' | 'auto'
  readonly python: string | undefined
  readonly torchScript: string | undefined
  readonly outDir: string
  readonly quick: boolean
}

export const gpuBenchUsage = `npm run bench -- gpu [-- options]   (or: npx tsx bench/gpu.ts [options])
  --quick                  proves it runs: training batch 8, 1 warm-up + 2 timed steps; inference
                           batch 2, no warm-up, 1 rep (SwiftShader takes ~30 s per ResNet-32 forward at b8)
  --models vgg19,resnet32  registry models (32×32×3, full width)
  --batch 128              training batch;  --inference-batch (default: --batch)
  --warmup 3 --steps 10    untimed and timed training steps per row
  --inference-warmup 3 --inference-reps 10
  --channel-sparsity 0.5   channels removed at random per group for the slimmed network
  --skip webgpu,wasm,torch,inference   rows to leave out
  --threads N              wasm and CPU PyTorch threads (default: every core, wasm at most 8)
  --torch-device auto      auto (CUDA where PyTorch sees a GPU) | cuda | cpu
  --python PATH            the python that holds PyTorch (default /usr/bin/python3)
  --torch-script PATH      bench/torch_reference.py (the device kit passes its copy)
  --out bench-results      folder for gpu-bench.json`

/** Parses the command line; throws with the usage on anything it does not know. */
export function parseGpuBenchOptions(argv: readonly string[]): GpuBenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      models: { type: 'string', default: 'vgg19,resnet32' },
      batch: { type: 'string' },
      warmup: { type: 'string' },
      steps: { type: 'string' },
      'inference-batch': { type: 'string' },
      'inference-warmup': { type: 'string' },
      'inference-reps': { type: 'string' },
      'channel-sparsity': { type: 'string', default: '0.5' },
      skip: { type: 'string', default: '' },
      threads: { type: 'string' },
      'torch-device': { type: 'string', default: 'auto' },
      python: { type: 'string' },
      'torch-script': { type: 'string' },
      out: { type: 'string', default: 'bench-results' },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) throw new Error(gpuBenchUsage)
  const quick = values.quick
  const count = (name: string, raw: string | undefined, fallback: number, min = 1): number => {
    const value = raw === undefined ? fallback : Number(raw)
    if (!Number.isInteger(value) || value < min)
      throw new Error(`--${name} must be an integer ≥ ${min}, got "${raw}"\n${gpuBenchUsage}`)
    return value
  }
  const models = values.models.split(',').filter((m) => m !== '')
  const unknown = models.filter((m) => !hasModel(m))
  if (models.length === 0 || unknown.length > 0)
    throw new Error(`--models: unknown "${unknown.join(', ')}"; pick from ${modelNames().join(', ')}`)
  const skip = new Set(values.skip.split(',').filter((s) => s !== ''))
  const rowNames = ['webgpu', 'wasm', 'torch', 'inference']
  const badSkip = [...skip].filter((s) => !rowNames.includes(s))
  if (badSkip.length > 0)
    throw new Error(`--skip: unknown "${badSkip.join(', ')}"; rows are ${rowNames.join(', ')}`)
  const torchDevice = values['torch-device']
  if (torchDevice !== 'cpu' && torchDevice !== 'cuda' && torchDevice !== 'auto')
    throw new Error(`--torch-device must be auto, cuda or cpu, got "${torchDevice}"`)
  const channelSparsity = Number(values['channel-sparsity'])
  if (!(channelSparsity >= 0 && channelSparsity < 1))
    throw new Error(`--channel-sparsity must be in [0, 1), got "${values['channel-sparsity']}"`)
  const batch = count('batch', values.batch, quick ? 8 : 128)
  return {
    models,
    batch,
    warmupSteps: count('warmup', values.warmup, quick ? 1 : 3, 0),
    steps: count('steps', values.steps, quick ? 2 : 10),
    inferenceBatch: count('inference-batch', values['inference-batch'], quick ? 2 : batch),
    inferenceWarmup: count('inference-warmup', values['inference-warmup'], quick ? 0 : 3, 0),
    inferenceReps: count('inference-reps', values['inference-reps'], quick ? 1 : 10),
    channelSparsity,
    rows: { webgpu: !skip.has('webgpu'), wasm: !skip.has('wasm'), torch: !skip.has('torch') },
    inference: !skip.has('inference'),
    threads: values.threads === undefined ? undefined : count('threads', values.threads, 1),
    torchDevice,
    python: values.python,
    torchScript: values['torch-script'],
    outDir: resolve(values.out),
    quick,
  }
}
