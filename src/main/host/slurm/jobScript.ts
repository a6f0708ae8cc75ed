import type { SlurmSettings } from '../../../shared/sweep/sweepSpec'

/** Single quotes for bash: nothing inside is expanded. */
export const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`

export interface JobScriptInput {
  readonly jobName: string
  /** One manifest per array task, in task order; a single manifest submits a plain job. */
  readonly manifests: readonly string[]
  readonly settings: SlurmSettings
  /** `chase-workbench` on the shared filesystem. */
  readonly workbenchPath: string
  /** `%A_%a` / `%j` patterns are Slurm's. */
  readonly outputPattern: string
}

/**
 * The sbatch script of a sweep (a job array, task i runs manifest i) or of one resubmitted run. Each task
 * execs `chase-workbench remote-task`, so Slurm's signals reach the workbench directly.
 */
export function jobScript(input: JobScriptInput): string {
  const { settings } = input
  const array = input.manifests.length > 1
  const sbatch = [
    `--job-name=${input.jobName}`,
    `--output=${input.outputPattern}`,
    '--ntasks=1',
    `--cpus-per-task=${settings.cpusPerTask}`,
    ...(array ? [`--array=0-${input.manifests.length - 1}`] : []),
    ...(settings.partition ? [`--partition=${settings.partition}`] : []),
    ...(settings.timeLimit ? [`--time=${settings.timeLimit}`] : []),
    ...(settings.gpusPerTask > 0 ? [`--gpus-per-task=${settings.gpusPerTask}`] : []),
    ...(settings.account ? [`--account=${settings.account}`] : []),
    ...settings.extraSbatch,
  ]
  return [
    '#!/bin/bash',
    ...sbatch.map((line) => `#SBATCH ${line}`),
    '# Written by Chase Workbench: each task trains one run and streams it back to the workbench host.',
    'set -euo pipefail',
    `manifests=(${input.manifests.map(shellQuote).join(' ')})`,
    'manifest="${manifests[${SLURM_ARRAY_TASK_ID:-0}]}"',
    `exec ${shellQuote(input.workbenchPath)} remote-task --manifest "$manifest"`,
    '',
  ].join('\n')
}
