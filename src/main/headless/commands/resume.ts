import { parseCommandArgs, storeOptions } from '../args'
import { cliLogger, openCliHost, type CliHostDeps } from '../cliHost'
import { UsageError, type Command } from '../command'
import { followAndReport, type FollowOptions } from '../followRun'

const usage = `Usage: chase-workbench resume <run-id> [--from-start] [--db <file>] [--json]

Continues an interrupted, stopped or failed run from its last checkpoint, in this process, and waits
for it (Ctrl-C stops it again with a checkpoint). A unique prefix of the id is enough. A damaged
checkpoint falls back to the previous one (the last two are kept).

Options:
  --from-start   Start over from step 0 with the same config (when every checkpoint is damaged)
`

export function resumeCommand(deps: CliHostDeps & Pick<FollowOptions, 'interrupts'> = {}): Command {
  return {
    name: 'resume',
    summary: 'Resume an interrupted, stopped or failed run from its last checkpoint',
    usage,
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(args, {
        ...storeOptions,
        'from-start': { type: 'boolean' },
      })
      if (positionals.length !== 1)
        throw new UsageError('give exactly one run id: chase-workbench resume <run-id>')
      const host = openCliHost(io, values.db, deps, cliLogger(io, { quiet: values.json }))
      try {
        const runId = host.store.resolveRunId(positionals[0]!)
        const run = host.supervisor.resume(runId, { fromStart: values['from-start'] ?? false })
        if (!values.json) {
          const from =
            run.lastCheckpointStep === null ? 'from the start' : `from step ${run.lastCheckpointStep}`
          io.stderr.write(`Resuming run ${run.id} ${from}\n`)
        }
        return await followAndReport(host, runId, io, {
          json: values.json,
          ...(deps.interrupts ? { interrupts: deps.interrupts } : {}),
        })
      } finally {
        await host.close()
      }
    },
  }
}

export default resumeCommand()
