import { parseCommandArgs } from '../args'
import { trainerEntry } from '../cliHost'
import { UsageError, type Command } from '../command'
import { forkTrainerLauncher } from '../../host/forkTrainerLauncher'
import { runRemoteTask } from '../../remote/remoteTask'
import { readTaskManifest } from '../../remote/taskManifest'

const usage = `Usage: chase-workbench remote-task --manifest <file>

Runs one Slurm task of a sweep on this node (the Slurm executor's job script calls it): trains the
manifest's run with this workbench's trainer and streams its messages to the host over the API,
buffering them beside the run while the host cannot be reached.
`

export function remoteTaskCommand(): Command {
  return {
    name: 'remote-task',
    summary: 'Run one Slurm task of a sweep on this node (used by the Slurm executor)',
    usage,
    async run(args, io) {
      const { values } = parseCommandArgs(args, { manifest: { type: 'string' } }, false)
      if (!values.manifest) throw new UsageError('give --manifest <file> (written by the workbench host)')
      const manifest = readTaskManifest(values.manifest)
      const log = (line: string) =>
        io.stderr.write(`${new Date().toISOString()} run ${manifest.runId}: ${line}\n`)
      log(
        `starting on ${process.env.SLURMD_NODENAME ?? 'this node'} (job ${process.env.SLURM_JOB_ID ?? '?'})`,
      )
      const code = await runRemoteTask({
        manifest,
        launcher: forkTrainerLauncher({ entry: trainerEntry, stderr: io.stderr }),
        log,
      })
      log(`trainer exited with code ${code}`)
      return code
    },
  }
}

export default remoteTaskCommand()
