import { BenchRequest } from '../../../shared/protocol/trainerMessages'
import { parseCommandArgs, storeOptions } from '../args'
import { openCliHost, type CliHostDeps } from '../cliHost'
import { UsageError, type Command } from '../command'
import { formatTable } from '../table'

const usage = `Usage: chase-workbench bench [--run <id> | --model <name> [--width <x>] [--dataset <name>] [--sparsity <Sc>]] [options]

Times the dense and the channel-slimmed network side by side, alternating, on one backend in one process,
then both again exported to ONNX on ONNX Runtime (CPU provider, and CUDA where this machine's ONNX Runtime
has it) with the same batches, warm-ups and repetitions.
With --run, the run's slimmed network; otherwise the model with Sc of its channels removed at random.

Options:
  --batch-sizes 1,32,128   Batch sizes to time
  --warmup <n>             Untimed repetitions first (default 5)
  --reps <n>               Timed repetitions (default 30)
  --backend <name>         auto, tensorflow-gpu, tensorflow, wasm or cpu
  --seed <n>               Seed for the random channel removal
  --skip-onnxruntime       Time tfjs only
  --db <file>              Run store; --json prints the stored benchmark record
`

export function benchCommand(deps: CliHostDeps = {}): Command {
  return {
    name: 'bench',
    summary: 'Time the dense and the channel-slimmed network side by side',
    usage,
    async run(args, io) {
      const { values } = parseCommandArgs(
        args,
        {
          ...storeOptions,
          run: { type: 'string' },
          model: { type: 'string' },
          width: { type: 'string' },
          dataset: { type: 'string' },
          sparsity: { type: 'string' },
          'batch-sizes': { type: 'string' },
          warmup: { type: 'string' },
          reps: { type: 'string' },
          backend: { type: 'string' },
          seed: { type: 'string' },
          'skip-onnxruntime': { type: 'boolean', default: false },
        },
        false,
      )
      if (!values.run && !values.model)
        throw new UsageError('give --run <id> or --model <name> (e.g. --model vgg19 --width 0.25)')
      const num = (text: string | undefined) => (text === undefined ? undefined : Number(text))
      const parsed = BenchRequest.safeParse({
        ...(values.model ? { model: values.model } : {}),
        ...(values.dataset ? { dataset: values.dataset } : {}),
        ...(values.width ? { widthMultiplier: num(values.width) } : {}),
        ...(values.sparsity ? { channelSparsity: num(values.sparsity) } : {}),
        ...(values['batch-sizes'] ? { batchSizes: values['batch-sizes'].split(',').map(Number) } : {}),
        ...(values.warmup ? { warmup: num(values.warmup) } : {}),
        ...(values.reps ? { reps: num(values.reps) } : {}),
        ...(values.backend ? { backend: values.backend } : {}),
        ...(values.seed ? { seed: num(values.seed) } : {}),
        onnxRuntime: !values['skip-onnxruntime'],
      })
      if (!parsed.success) {
        throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '))
      }
      const host = openCliHost(io, values.db, deps)
      try {
        const runId = values.run ? host.store.resolveRunId(values.run) : undefined
        if (!values.json) io.stderr.write('Benchmarking (dense and slimmed alternate)…\n')
        const record = await host.supervisor.startBench(parsed.data, runId).finished
        if (values.json) {
          io.stdout.write(`${JSON.stringify(record)}\n`)
          return record.status === 'completed' ? 0 : 1
        }
        if (record.status !== 'completed' || !record.summary || !record.result) {
          io.stderr.write(`Benchmark ${record.id} failed: ${record.error ?? 'unknown error'}\n`)
          return 1
        }
        const r = record.result
        io.stdout.write(
          `${r.model} on ${r.backend.name} ${r.backend.version} (${r.machine.cpus}, ${r.machine.cores} cores), ` +
            `channel sparsity ${r.channelSparsity}, GPU-supported FLOPs ${(r.gpuSupportedRatio * 100).toFixed(1)}%\n`,
        )
        const rows = record.summary.stats.map((s) => [
          s.runtime === 'tfjs' ? `tfjs ${r.backend.name}` : s.runtime,
          s.variant,
          String(s.batchSize),
          s.medianMs.toFixed(2),
          s.p10Ms.toFixed(2),
          s.p90Ms.toFixed(2),
          Math.round(s.imagesPerSecond).toString(),
        ])
        io.stdout.write(
          `${formatTable(['RUNTIME', 'NETWORK', 'BATCH', 'MEDIAN MS', 'P10 MS', 'P90 MS', 'IMAGES/S'], rows)}\n`,
        )
        for (const s of record.summary.speedups)
          io.stdout.write(
            `${s.runtime === 'tfjs' ? `tfjs ${r.backend.name}` : s.runtime}, batch ${s.batchSize}: ` +
              `slimmed is ${s.speedup.toFixed(2)}× the dense speed (GPU-supported FLOPs predict ` +
              `${(1 / r.gpuSupportedRatio).toFixed(2)}×)\n`,
          )
        for (const note of r.onnxRuntime?.notes ?? []) io.stdout.write(`ONNX Runtime: ${note}\n`)
        return 0
      } finally {
        await host.close()
      }
    },
  }
}

export default benchCommand()
