import type { SweepCellRecord, SweepDetail } from '../../../shared/api/sweepRecords'
import { cellLabel } from '../../../shared/sweep/expandSweep'
import { SweepSpec, type ExecutorName } from '../../../shared/sweep/sweepSpec'
import { isEnded } from '../../host/runLifecycle'
import type { Host } from '../../host/host'
import { configOptions, parseCommandArgs, storeOptions } from '../args'
import { cliLogger, openCliHost, type CliHostDeps } from '../cliHost'
import { UsageError, type Command, type CommandIo } from '../command'
import { loadConfig } from '../configSource'
import { defaultPort, startServer } from '../server'
import { intOption, parseAxis } from '../sweepArgs'

const usage = `Usage: chase-workbench sweep (--preset <name> | --config <file.json>) [--set key=value ...]
                            --axis path=v1,v2,... [--axis ...] [--executor local|slurm] [options]

Runs one run per cell of the grid the axes span (or, with --zip, per position of equal-length axes),
validating every cell before anything starts, and follows them with a line per finished run.

Options:
  --axis path=v1,v2    Vary a config field, e.g. --axis system.seed=41,42 --axis channels.sparsity=0,0.3
  --zip                Pair the axes' values position by position instead of taking every combination
  --executor <name>    local (this machine's queue, default) or slurm (a job array on the cluster)
  --concurrency <n>    Local runs training at once (default 1)
  --name <text>        Sweep name (also the experiment its runs are grouped under)
  --db <file>          Run store (default: $CHASE_WORKBENCH_DB or the user data directory)
  --json               End with one JSON line: { sweepId, runs: [{ runId, cell, values, status, ... }] }

Slurm executor (see docs/slurm.md):
  --port <n>           Port the nodes send their messages to (default ${defaultPort}; serve on the same
                       port follows the jobs if this command is stopped)
  --bind <address>     Interface to listen on (default 127.0.0.1; anything else prints a token)
  --host-url <url>     The host as the nodes reach it, e.g. http://127.0.0.1:4680 through an SSH tunnel
  --partition <name>   --time <d-hh:mm:ss>   --account <name>   --gpus-per-task <n>   --cpus-per-task <n>
  --sbatch <option>    An extra #SBATCH line, e.g. --sbatch=--qos=short (repeatable)
  --workbench-path <p> chase-workbench on the cluster's shared filesystem (default: this checkout)
  --max-resubmits <n>  Resubmit a task that hit its time limit, lost its node or was preempted (default 0)
  --slurmrestd <url>   Submit, follow and cancel through slurmrestd instead of sbatch/squeue/scancel:
                       http://host:6820 or unix:/path/to/slurmrestd.sock
  --slurmrestd-user <name>       X-SLURM-USER-NAME (default: this user)
  --slurmrestd-token-env <VAR>   Variable holding the JWT from \`scontrol token\` (e.g. SLURM_JWT)
`

interface SweepOutcome {
  readonly runId: string | null
  readonly cell: number
  readonly values: SweepCellRecord['values']
  readonly status: string | null
  readonly testAccuracy: number | null
  readonly gpuSupportedFlopsRatio: number | null
  readonly slurmJob: string | null
}

function outcomes(detail: SweepDetail): SweepOutcome[] {
  return detail.cellRecords.map((c) => ({
    runId: c.runId,
    cell: c.index,
    values: c.values,
    status: c.status,
    testAccuracy: c.result?.final.testAccuracy ?? null,
    gpuSupportedFlopsRatio: c.result?.flops.gpuSupportedRatio ?? null,
    slurmJob: c.slurm?.jobId ?? null,
  }))
}

/** Resolves when every run of the sweep has ended and none is active here; prints a line per ended run. */
function followSweep(
  host: Host,
  sweepId: string,
  io: CommandIo,
  quiet: boolean,
): { done: Promise<SweepDetail>; cancel: () => void } {
  let cancel = () => {}
  const done = new Promise<SweepDetail>((resolve) => {
    const reported = new Set<string>()
    // Events queued before the end still call check: once done (the store may be closed), they do nothing.
    let finished = false
    const check = () => {
      if (finished) return
      const detail = host.sweeps.detail(sweepId)
      for (const cell of detail.cellRecords) {
        if (!cell.runId || !cell.status || !isEnded(cell.status) || host.supervisor.isActiveHere(cell.runId))
          continue
        const key = `${cell.runId}:${cell.status}:${cell.slurm?.submissions ?? 0}`
        if (reported.has(key)) continue
        reported.add(key)
        const accuracy = cell.result
          ? ` test accuracy ${(cell.result.final.testAccuracy * 100).toFixed(2)}%`
          : ''
        const why =
          cell.status !== 'completed'
            ? ` (${host.store.getSummary(cell.runId)?.failure?.message ?? 'no reason given'})`
            : ''
        if (!quiet)
          io.stderr.write(
            `[${reported.size}/${detail.cells}] ${cell.runId} ${cellLabel(cell.values)}: ${cell.status}${accuracy}${why}\n`,
          )
      }
      const done = detail.cellRecords.every(
        (c) => !c.runId || (c.status !== null && isEnded(c.status) && !host.supervisor.isActiveHere(c.runId)),
      )
      if (done) {
        finished = true
        client.close()
        clearInterval(timer)
        resolve(detail)
      }
    }
    const client = host.hub.connect((event) => {
      if (event.type === 'runChanged') setImmediate(check)
    })
    // Sessions end a moment after the status event: look again now and then.
    const timer = setInterval(check, 1_000)
    cancel = () => {
      finished = true
      client.close()
      clearInterval(timer)
    }
    check()
  })
  return { done, cancel }
}

export function sweepCommand(
  deps: CliHostDeps & { interrupts?: (handler: () => void) => () => void } = {},
): Command {
  return {
    name: 'sweep',
    summary: 'Run a grid of runs (seeds × settings) locally or on a Slurm cluster',
    usage,
    async run(args, io) {
      const { values } = parseCommandArgs(
        args,
        {
          ...configOptions,
          ...storeOptions,
          axis: { type: 'string', multiple: true },
          zip: { type: 'boolean', default: false },
          executor: { type: 'string', default: 'local' },
          concurrency: { type: 'string' },
          name: { type: 'string' },
          port: { type: 'string' },
          bind: { type: 'string' },
          'host-url': { type: 'string' },
          partition: { type: 'string' },
          time: { type: 'string' },
          account: { type: 'string' },
          'gpus-per-task': { type: 'string' },
          'cpus-per-task': { type: 'string' },
          sbatch: { type: 'string', multiple: true },
          slurmrestd: { type: 'string' },
          'slurmrestd-user': { type: 'string' },
          'slurmrestd-token-env': { type: 'string' },
          'workbench-path': { type: 'string' },
          'max-resubmits': { type: 'string' },
        },
        false,
      )
      if (!values.axis?.length)
        throw new UsageError('give at least one --axis path=v1,v2 (e.g. --axis system.seed=41,42)')
      if (values.executor !== 'local' && values.executor !== 'slurm')
        throw new UsageError(`--executor is local or slurm, not "${values.executor}"`)
      const executor: ExecutorName = values.executor
      const base = loadConfig({
        ...(values.preset !== undefined ? { preset: values.preset } : {}),
        ...(values.config !== undefined ? { configFile: values.config } : {}),
        sets: values.set ?? [],
        cwd: io.cwd,
      })
      const gpus = intOption('gpus-per-task', values['gpus-per-task'], 0)
      const cpus = intOption('cpus-per-task', values['cpus-per-task'], 1)
      const resubmits = intOption('max-resubmits', values['max-resubmits'], 0)
      const parsed = SweepSpec.safeParse({
        ...(values.name !== undefined ? { name: values.name } : {}),
        base,
        axes: values.axis.map(parseAxis),
        combine: values.zip ? 'zip' : 'grid',
        executor,
        ...(executor === 'slurm'
          ? {
              slurm: {
                ...(values.partition ? { partition: values.partition } : {}),
                ...(values.time ? { timeLimit: values.time } : {}),
                ...(values.account ? { account: values.account } : {}),
                ...(gpus !== undefined ? { gpusPerTask: gpus } : {}),
                ...(cpus !== undefined ? { cpusPerTask: cpus } : {}),
                ...(values.sbatch ? { extraSbatch: values.sbatch } : {}),
                ...(values['workbench-path'] ? { workbenchPath: values['workbench-path'] } : {}),
                ...(values['host-url'] ? { hostUrl: values['host-url'] } : {}),
                ...(resubmits !== undefined ? { maxAutoResubmits: resubmits } : {}),
                ...(values.slurmrestd
                  ? {
                      rest: {
                        url: values.slurmrestd,
                        ...(values['slurmrestd-user'] ? { user: values['slurmrestd-user'] } : {}),
                        ...(values['slurmrestd-token-env']
                          ? { tokenEnv: values['slurmrestd-token-env'] }
                          : {}),
                      },
                    }
                  : {}),
              },
            }
          : {}),
      })
      if (!parsed.success)
        throw new UsageError(
          parsed.error.issues.map((i) => `${i.path.join('.') || 'sweep'}: ${i.message}`).join('; '),
        )
      const port = intOption('port', values.port, 0) ?? defaultPort
      const concurrency = intOption('concurrency', values.concurrency, 1)
      const logger = cliLogger(io, { quiet: values.json })
      const host = openCliHost(io, values.db, deps, logger)
      let server: Awaited<ReturnType<typeof startServer>> | undefined
      let removeInterrupts = () => {}
      try {
        if (concurrency !== undefined) host.supervisor.setConcurrency(concurrency)
        if (executor === 'slurm') {
          server = await startServer({
            host,
            rendererDir: '/nonexistent',
            logger,
            port,
            ...(values.bind ? { bindHost: values.bind } : {}),
          }).catch((error: NodeJS.ErrnoException) => {
            throw error.code === 'EADDRINUSE'
              ? new UsageError(
                  `port ${port} is in use (a serve already running? start the sweep from its page, or pick --port)`,
                )
              : error
          })
          host.slurm.setServedUrl(server.url)
        }
        const created = host.sweeps.create(parsed.data)
        if (!values.json) {
          const where =
            executor === 'slurm'
              ? `Slurm (the nodes report to ${server!.url.replace(/token=.*/, 'token=…')})`
              : 'this machine'
          io.stderr.write(
            `Sweep ${created.id}: ${created.cells} run(s) on ${where}; data in ${host.store.paths.dataDir}\n`,
          )
        }
        const follow = followSweep(host, created.id, io, values.json)
        let interrupted = false
        let onInterrupt = () => {}
        const interruption = new Promise<undefined>((resolve) => (onInterrupt = () => resolve(undefined)))
        removeInterrupts = (deps.interrupts ?? defaultInterrupts)(() => {
          if (interrupted) return
          interrupted = true
          follow.cancel()
          onInterrupt()
          io.stderr.write(
            executor === 'slurm'
              ? `Leaving the Slurm jobs running; follow them with: chase-workbench serve --port ${port}\n`
              : 'Stopping the sweep at the next step with a checkpoint; resume it from its page or with resume <id>…\n',
          )
          void host.close()
        })
        const detail = await Promise.race([follow.done, interruption])
        if (!detail) return 130
        const runs = outcomes(detail)
        if (values.json) io.stdout.write(`${JSON.stringify({ sweepId: detail.id, runs })}\n`)
        else
          io.stdout.write(
            `Sweep ${detail.id}: ${runs.filter((r) => r.status === 'completed').length}/${runs.length} completed\n`,
          )
        return runs.every((r) => r.status === 'completed') ? 0 : 1
      } finally {
        removeInterrupts()
        await server?.close()
        await host.close()
      }
    },
  }
}

const defaultInterrupts = (handler: () => void) => {
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  return () => {
    process.off('SIGINT', handler)
    process.off('SIGTERM', handler)
  }
}

export default sweepCommand()
