import { resolve } from 'node:path'
import { RunFilter, RunStatus, type RunSummary } from '../../../shared/api/runRecords'
import { ArtifactFormat } from '../../../shared/api/artifactExports'
import { exportPages } from '../../host/exportPages'
import { writeExportFile } from '../exportFile'
import { isEnded } from '../../host/runLifecycle'
import type { RunStore } from '../../host/runStore'
import { parseCommandArgs, takeStoreOptions } from '../args'
import { writeArtifactExport } from '../artifactExport'
import { openCliReader, openCliStore } from '../cliHost'
import { UsageError, type Command, type CommandIo } from '../command'
import { formatTable, percent, shortDate, wrapList } from '../table'

const usage = `Usage: chase-workbench runs <list|show|export|delete> [options]

  runs list [--status S]... [--tag T] [--all] [--limit N]   Newest first; --all includes archived runs
  runs show <id>                                           Config, status, result, checkpoints, metrics
  runs export <id> [--format csv|json] [--out <file>]      Metrics as CSV, or everything as JSON
  runs export <id> --format onnx|safetensors [--network dense|slimmed] [--out <file>]
                                                           The trained network for ONNX Runtime / PyTorch
  runs export <id> --format tensorboard [--out <logdir>]   Every series and channel-density histogram
  runs delete <id> --yes                                   Delete the run, its data and its folder

Options:
  --db <file>   Run store (default: $CHASE_WORKBENCH_DB or the user data directory)
  --json        Machine-readable output (list: an array of runs with id and status)
A unique prefix of a run id is enough.
`

function progressCell(run: RunSummary): string {
  if (run.result) return percent(run.result.final.testAccuracy)
  if (run.progress && run.progress.totalSteps > 0)
    return `${Math.floor((run.progress.step / run.progress.totalSteps) * 100)}% done`
  return '—'
}

function list(store: RunStore, args: readonly string[], io: CommandIo, json: boolean): number {
  const { values } = parseCommandArgs(
    args,
    {
      status: { type: 'string', multiple: true },
      tag: { type: 'string' },
      all: { type: 'boolean', default: false },
      limit: { type: 'string' },
    },
    false,
  )
  const statuses = (values.status ?? []).map((s) => {
    const parsed = RunStatus.safeParse(s)
    if (!parsed.success) throw new UsageError(`--status ${s}: choose one of ${RunStatus.options.join(', ')}`)
    return parsed.data
  })
  const limit = values.limit === undefined ? 500 : Number(values.limit)
  if (!Number.isInteger(limit) || limit < 1)
    throw new UsageError('--limit must be a whole number of at least 1')
  const filter = RunFilter.parse({
    ...(statuses.length ? { status: statuses } : {}),
    ...(values.tag ? { tag: values.tag } : {}),
    includeArchived: values.all,
    limit,
  })
  const { runs, total } = store.listRuns(filter)
  if (json) {
    io.stdout.write(`${JSON.stringify(runs)}\n`)
    return 0
  }
  if (runs.length === 0) {
    io.stdout.write(
      `No runs in ${store.paths.dbPath}. Start one with: chase-workbench train --preset quick-fashion-mnist\n`,
    )
    return 0
  }
  const rows = runs.map((r) => [
    r.id,
    r.status,
    r.name,
    r.backend ?? '—',
    progressCell(r),
    shortDate(r.createdAt),
    r.tags.join(','),
  ])
  io.stdout.write(
    `${formatTable(['ID', 'STATUS', 'NAME', 'BACKEND', 'TEST ACC', 'CREATED', 'TAGS'], rows)}\n`,
  )
  if (total > runs.length) io.stdout.write(`(${runs.length} of ${total}; use --limit to see more)\n`)
  return 0
}

function show(store: RunStore, runId: string, io: CommandIo, json: boolean): number {
  const run = store.getDetail(runId)!
  const keys = store.series.metricKeys(runId)
  if (json) {
    io.stdout.write(`${JSON.stringify({ ...run, metricKeys: keys })}\n`)
    return 0
  }
  const r = run.result
  const lines = [
    `Run ${run.id}  ${run.name}`,
    `  status       ${run.status}${run.failure ? ` (${run.failure.reason}: ${run.failure.message})` : ''}`,
    `  preset       ${run.preset ?? '—'}   model ${run.config.model.arch} ×${run.config.model.widthMultiplier}   dataset ${run.config.data.dataset}`,
    `  backend      ${run.backend ?? '—'}   seed ${run.seed}   config ${run.configHash}`,
    `  created      ${shortDate(run.createdAt)}   started ${shortDate(run.startedAt)}   finished ${shortDate(run.finishedAt)}`,
    `  folder       ${run.runDir}`,
    `  versions     ${Object.entries(run.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  ]
  if (run.progress)
    lines.push(
      `  progress     step ${run.progress.step}/${run.progress.totalSteps}, epoch ${run.progress.epoch + 1}/${run.progress.epochs}`,
    )
  if (r) {
    lines.push(
      `  test acc     ${percent(r.final.testAccuracy)} final, ${percent(r.best.testAccuracy)} best, ${percent(r.slimmedTestAccuracy)} slimmed`,
      `  sparsity     density ${r.density.toFixed(4)}, channel sparsity ${r.channelSparsity.toFixed(3)}`,
      `  FLOPs        ${percent(r.flops.theoreticalRatio)} theoretical, ${percent(r.flops.gpuSupportedRatio)} GPU-supported`,
    )
  }
  lines.push(
    // A long run has a checkpoint per epoch: wrapped, not one 1,000-character line.
    `  checkpoints  ${
      run.checkpoints.length
        ? wrapList(
            run.checkpoints.map((c) => String(c.step)),
            86,
            ' '.repeat(15),
          )
        : 'none'
    }`,
  )
  if (run.tags.length) lines.push(`  tags         ${run.tags.join(', ')}`)
  if (run.notes) lines.push(`  notes        ${run.notes}`)
  if (keys.length) {
    lines.push(
      '',
      formatTable(
        ['METRIC', 'POINTS', 'LAST STEP', 'LAST VALUE'],
        keys.map((k) => [k.key, String(k.points), String(k.lastStep), k.lastValue.toPrecision(5)]),
      ),
    )
  }
  io.stdout.write(`${lines.join('\n')}\n`)
  return 0
}

function exportCommand(store: RunStore, runId: string, args: readonly string[], io: CommandIo): number {
  const { values } = parseCommandArgs(
    args,
    { format: { type: 'string', default: 'json' }, out: { type: 'string' }, network: { type: 'string' } },
    false,
  )
  if (ArtifactFormat.safeParse(values.format).success)
    return writeArtifactExport(store, runId, { ...values, format: values.format }, io)
  if (values.network !== undefined) throw new UsageError('--network applies to onnx and safetensors exports')
  if (values.format !== 'csv' && values.format !== 'json')
    throw new UsageError(`--format must be csv, json, ${ArtifactFormat.options.join(', ')}`)
  if (values.out) {
    const path = resolve(io.cwd, values.out)
    writeExportFile(store, runId, values.format, path)
    io.stderr.write(`Wrote ${path}\n`)
  } else {
    for (const page of exportPages(store, runId, values.format)) io.stdout.write(page.chunk)
  }
  return 0
}

function remove(store: RunStore, runId: string, args: readonly string[], io: CommandIo): number {
  const { values } = parseCommandArgs(args, { yes: { type: 'boolean', default: false } }, false)
  const run = store.requireSummary(runId)
  if (!values.yes)
    throw new UsageError(`deleting run ${runId} removes its data and folder for good: add --yes to confirm`)
  if (!isEnded(run.status)) throw new Error(`Run ${runId} is ${run.status}; stop it before deleting it`)
  store.deleteRun(runId)
  io.stderr.write(`Deleted run ${runId}\n`)
  return 0
}

const command: Command = {
  name: 'runs',
  summary: 'List, show, export or delete runs',
  usage,
  async run(args, io) {
    const [sub, ...rest] = args
    if (!sub || !['list', 'show', 'export', 'delete'].includes(sub)) {
      throw new UsageError('choose a subcommand: runs list | show <id> | export <id> | delete <id> --yes')
    }
    const { db, json, rest: own } = takeStoreOptions(rest)
    const readOnly = sub === 'list' || sub === 'show'
    const store = readOnly ? openCliReader(io, db) : openCliStore(io, db)
    try {
      if (sub === 'list') return list(store, own, io, json)
      const [idArg, ...subArgs] = own
      if (!idArg || idArg.startsWith('-'))
        throw new UsageError(`give a run id: chase-workbench runs ${sub} <id>`)
      const runId = store.resolveRunId(idArg)
      if (sub === 'show') return show(store, runId, io, json)
      if (sub === 'export') return exportCommand(store, runId, subArgs, io)
      return remove(store, runId, subArgs, io)
    } finally {
      store.close()
    }
  },
}
export default command
