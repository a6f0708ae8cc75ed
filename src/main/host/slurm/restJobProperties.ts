import { SlurmCommandError } from './slurmCli'

/**
 * slurmrestd 22.05 ignores a script's `#SBATCH` lines: the job's options go in the request's `job` object.
 * This turns the lines our job script writes (and the `extraSbatch` options REST can carry) into it.
 */
export type RestJobProperties = Record<string, string | number>

/** Slurm times (`MM`, `MM:SS`, `HH:MM:SS`, `D-HH`, `D-HH:MM`, `D-HH:MM:SS`) → whole minutes, rounded up. */
export function slurmTimeToMinutes(time: string): number {
  const match = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(time.trim())
  if (!match) throw new SlurmCommandError(`"${time}" is not a Slurm time such as 02:00:00 or 1-00:00:00`)
  const [, days, a, b, c] = match
  const n = (text: string | undefined) => Number(text ?? 0)
  let seconds: number
  if (days !== undefined) seconds = n(days) * 86_400 + n(a) * 3600 + n(b) * 60 + n(c)
  else if (c !== undefined) seconds = n(a) * 3600 + n(b) * 60 + n(c)
  else seconds = n(a) * 60 + n(b)
  return Math.ceil(seconds / 60)
}

const mapped: Record<string, (value: string) => RestJobProperties> = {
  'job-name': (v) => ({ name: v }),
  output: (v) => ({ standard_output: v }),
  error: (v) => ({ standard_error: v }),
  ntasks: (v) => ({ tasks: Number(v) }),
  'cpus-per-task': (v) => ({ cpus_per_task: Number(v) }),
  array: (v) => ({ array: v }),
  partition: (v) => ({ partition: v }),
  time: (v) => ({ time_limit: slurmTimeToMinutes(v) }),
  // 22.05 spells a per-task GPU request `gres:gpu:N` (sbatch --gpus-per-task writes the same).
  'gpus-per-task': (v) => ({ tres_per_task: `gres:gpu:${v}` }),
  account: (v) => ({ account: v }),
  qos: (v) => ({ qos: v }),
  reservation: (v) => ({ reservation: v }),
  constraint: (v) => ({ constraints: v }),
  mem: (v) => ({ memory_per_node: Number.parseInt(v, 10) }),
  'mem-per-cpu': (v) => ({ memory_per_cpu: Number.parseInt(v, 10) }),
  nice: (v) => ({ nice: Number(v) }),
}

/** The `#SBATCH --name=value` lines of a script → the `job` properties of `POST /job/submit`. */
export function restJobProperties(script: string): RestJobProperties {
  const job: RestJobProperties = {}
  for (const line of script.split('\n')) {
    const directive = /^#SBATCH\s+--([A-Za-z-]+)(?:=(.*))?$/.exec(line.trim())
    if (!directive) {
      if (/^#SBATCH\s/.test(line.trim()))
        throw new SlurmCommandError(
          `"${line.trim()}": through slurmrestd, write sbatch options in their long form (--qos=short)`,
        )
      continue
    }
    const [, name = '', value = ''] = directive
    const property = mapped[name]
    if (!property)
      throw new SlurmCommandError(
        `sbatch option --${name} cannot be sent through slurmrestd by the workbench ` +
          `(it knows ${Object.keys(mapped)
            .map((k) => `--${k}`)
            .join(', ')}): drop it or use the command-line executor (no slurm.rest)`,
      )
    Object.assign(job, property(value.trim()))
  }
  return job
}
