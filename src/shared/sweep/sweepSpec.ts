import { z } from 'zod'
import { ExperimentConfig } from '../config/experimentConfig'

/** A sweep: one base config and the axes that vary it, expanded to one run per cell. */

/** A dotted config path, e.g. `system.seed` or `channels.sparsity`. */
export const AxisPath = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/, {
    message: 'an axis is a dotted config path such as channels.sparsity',
  })

export const SweepAxis = z.object({
  path: AxisPath,
  /** JSON values, each set at `path` in one cell (strings for durations such as "2 epochs"). */
  values: z
    .array(z.union([z.number(), z.string().max(200), z.boolean()]))
    .min(1)
    .max(100),
})
export type SweepAxis = z.infer<typeof SweepAxis>

/** `grid`: every combination; `zip`: the i-th value of every axis together (axes of equal length). */
export const SweepCombine = z.enum(['grid', 'zip'])
export type SweepCombine = z.infer<typeof SweepCombine>

export const ExecutorName = z.enum(['local', 'slurm'])
export type ExecutorName = z.infer<typeof ExecutorName>

/** slurmrestd instead of the command-line tools: where it listens and whose token to send. */
export const SlurmRestSettings = z.object({
  /** `http(s)://host:port` or `unix:/path/to/socket`. */
  url: z
    .string()
    .max(1000)
    .regex(/^(https?:\/\/[^\s]+|unix:\/[^\s]*)$/, {
      message: "write slurmrestd's address as http://host:6820 or unix:/path/to/slurmrestd.sock",
    }),
  /** X-SLURM-USER-NAME (default: the host's user). */
  user: z.string().trim().min(1).max(100).optional(),
  /** Environment variable holding the JWT (`scontrol token` prints `SLURM_JWT=…`); none: no token header. */
  tokenEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'an environment variable name such as SLURM_JWT' })
    .max(100)
    .optional(),
})
export type SlurmRestSettings = z.infer<typeof SlurmRestSettings>

/** How the Slurm executor submits: what a cluster's sbatch needs, and how the nodes reach the host. */
export const SlurmSettings = z.object({
  partition: z.string().trim().min(1).max(100).optional(),
  /** sbatch --time, e.g. `02:00:00` or `1-00:00:00`. */
  timeLimit: z
    .string()
    .trim()
    .regex(/^(\d+-)?\d+(:\d{2}){0,2}$/, { message: 'write a Slurm time such as 02:00:00 or 1-00:00:00' })
    .optional(),
  gpusPerTask: z.number().int().min(0).max(16).default(0),
  cpusPerTask: z.number().int().min(1).max(256).default(1),
  account: z.string().trim().min(1).max(100).optional(),
  /** Extra `#SBATCH` lines, written as given after `#SBATCH ` (e.g. `--qos=short`). */
  extraSbatch: z
    .array(
      z
        .string()
        .max(300)
        .regex(/^--?[A-Za-z][^\n\r]*$/, { message: 'an extra line is an sbatch option such as --qos=short' }),
    )
    .max(50)
    .default([]),
  /** `chase-workbench` on the cluster's shared filesystem (default: this checkout's bin/chase-workbench). */
  workbenchPath: z.string().min(1).max(1000).optional(),
  /** The host's API as the nodes see it (e.g. through an SSH tunnel); default: the address this host serves. */
  hostUrl: z.string().url().max(1000).optional(),
  /** Times a task that hit its time limit, lost its node or was preempted is resubmitted by itself. */
  maxAutoResubmits: z.number().int().min(0).max(20).default(0),
  /** Submit, follow and cancel through slurmrestd; absent: sbatch, squeue, scontrol, sacct, scancel. */
  rest: SlurmRestSettings.optional(),
})
export type SlurmSettings = z.infer<typeof SlurmSettings>

export const SweepSpec = z.object({
  name: z.string().trim().max(200).optional(),
  base: ExperimentConfig,
  axes: z.array(SweepAxis).min(1).max(8),
  combine: SweepCombine.default('grid'),
  executor: ExecutorName.default('local'),
  slurm: SlurmSettings.optional(),
})
export type SweepSpec = z.infer<typeof SweepSpec>
export type SweepSpecInput = z.input<typeof SweepSpec>

/** Most cells one sweep may hold: a bigger grid is almost always a typo in an axis. */
export const maxSweepCells = 512
