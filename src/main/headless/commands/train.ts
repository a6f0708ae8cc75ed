import { parseCommandArgs, configOptions, storeOptions } from '../args'
import { cliLogger, openCliHost, type CliHostDeps } from '../cliHost'
import type { Command } from '../command'
import { loadConfig } from '../configSource'
import { followAndReport, type FollowOptions } from '../followRun'
import { ensureDataset } from '../ensureDataset'

const usage = `Usage: chase-workbench train (--preset <name> | --config <file.json>) [--set key=value ...] [options]

Trains one run in this process and waits for it. Ctrl-C stops it at the next step with a checkpoint;
\`chase-workbench resume <id>\` continues it.

Options:
  --preset <name>      Start from a built-in preset (chase-workbench presets)
  --config <file>      Start from a JSON run config
  --set key=value      Override a setting, e.g. --set sparsity.density=0.05 --set optim.epochs=2
  --name <text>        Run name
  --tag <tag>          Tag the run (repeatable)
  --experiment <name>  Group the run under an experiment
  --db <file>          Run store (default: $CHASE_WORKBENCH_DB or the user data directory)
  --download           Download the dataset first when it is not installed (chase-workbench data list)
  --json               Print only one JSON line at the end: { runId, status, backend, testAccuracy, ... }
`

/** `train`, with the trainer launcher injectable so tests can use a fixture trainer. */
export function trainCommand(deps: CliHostDeps & Pick<FollowOptions, 'interrupts'> = {}): Command {
  return {
    name: 'train',
    summary: 'Train a run from a preset or a config file',
    usage,
    async run(args, io) {
      const { values } = parseCommandArgs(
        args,
        {
          ...configOptions,
          ...storeOptions,
          name: { type: 'string' },
          tag: { type: 'string', multiple: true },
          experiment: { type: 'string' },
          download: { type: 'boolean', default: false },
        },
        false,
      )
      const config = loadConfig({
        ...(values.preset !== undefined ? { preset: values.preset } : {}),
        ...(values.config !== undefined ? { configFile: values.config } : {}),
        sets: values.set ?? [],
        cwd: io.cwd,
      })
      if (values.download) await ensureDataset(config.data, io)
      const host = openCliHost(io, values.db, deps, cliLogger(io, { quiet: values.json }))
      try {
        const run = host.supervisor.create({
          config,
          ...(values.name !== undefined ? { name: values.name } : {}),
          ...(values.experiment !== undefined ? { experiment: values.experiment } : {}),
          tags: values.tag ?? [],
        })
        if (!values.json)
          io.stderr.write(`Run ${run.id} (${run.name}) started; data in ${host.store.paths.dataDir}\n`)
        return await followAndReport(host, run.id, io, {
          json: values.json,
          ...(deps.interrupts ? { interrupts: deps.interrupts } : {}),
        })
      } finally {
        await host.close()
      }
    },
  }
}

export default trainCommand()
