import { compareRuns } from '../../host/compareRuns'
import { takeStoreOptions } from '../args'
import { openCliReader } from '../cliHost'
import { UsageError, type Command } from '../command'
import { formatTable, percent } from '../table'

const usage = `Usage: chase-workbench compare <id> <id> [<id> ...] [--db <file>] [--json]

Lines runs up side by side: the result numbers, then only the config settings that differ.
`

const command: Command = {
  name: 'compare',
  summary: 'Compare runs: config diff and summary table',
  usage,
  async run(args, io) {
    const { db, json, rest } = takeStoreOptions(args)
    const unknown = rest.find((a) => a.startsWith('-'))
    if (unknown) throw new UsageError(`unknown option ${unknown}`)
    if (rest.length < 2) throw new UsageError('give at least two run ids: chase-workbench compare <id> <id>')
    const store = openCliReader(io, db)
    try {
      const ids = rest.map((id) => store.resolveRunId(id))
      const details = ids.map((id) => store.getDetail(id)!)
      const last = ids.map((id) =>
        Object.fromEntries(store.series.metricKeys(id).map((k) => [k.key, k.lastValue])),
      )
      const comparison = compareRuns(details, last)
      if (json) {
        io.stdout.write(`${JSON.stringify(comparison)}\n`)
        return 0
      }
      const summary = formatTable(
        [
          'RUN',
          'NAME',
          'STATUS',
          'TEST ACC',
          'BEST',
          'DENSITY',
          'CH. SPARSITY',
          'FLOPS (THEOR.)',
          'FLOPS (GPU)',
          'SECONDS',
        ],
        comparison.rows.map((row, i) => {
          const run = comparison.runs[i]!
          return [
            row.runId,
            run.name,
            run.status,
            percent(row.testAccuracy),
            percent(row.bestTestAccuracy),
            row.density === null ? '—' : row.density.toFixed(4),
            row.channelSparsity === null ? '—' : row.channelSparsity.toFixed(3),
            percent(row.theoreticalFlopsRatio, 1),
            percent(row.gpuSupportedFlopsRatio, 1),
            row.durationSeconds === null ? '—' : row.durationSeconds.toFixed(0),
          ]
        }),
      )
      const differences = comparison.differences.length
        ? formatTable(
            ['SETTING', ...ids],
            comparison.differences.map((d) => [d.path, ...d.values.map((v) => v ?? '(unset)')]),
          )
        : 'The configs are identical (apart from the run names).'
      io.stdout.write(`${summary}\n\nConfig differences:\n${differences}\n`)
      return 0
    } finally {
      store.close()
    }
  },
}
export default command
