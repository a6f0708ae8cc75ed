import type { SystemInfo } from '../../shared/api/systemInfo'
import { ApiHandlers } from './apiHandlers'
import { DatasetService } from './datasetService'
import type { DataPaths } from './dataPaths'
import { EventHub } from './eventHub'
import type { FlusherOptions } from './ingestFlusher'
import { silentLogger, type HostLogger } from './logger'
import { appVersion, backendAvailability, hostVersions, machine } from './machineInfo'
import { RunStore } from './runStore'
import { sweepDeadRuns } from './staleRunSweep'
import { Supervisor } from './supervisor'
import { SlurmExecutor, type SlurmExecutorOptions } from './slurm/slurmExecutor'
import type { SlurmCli } from './slurm/slurmCli'
import { SweepService } from './sweepService'
import { workbenchBin } from './workbenchBin'
import type { TrainerLauncher } from './trainerLauncher'

export interface HostOptions {
  readonly paths: DataPaths
  readonly launcher: TrainerLauncher
  /** Starts dataset tasks (list, download, use a folder); default a Node child (see datasetService.ts). */
  readonly datasetLauncher?: TrainerLauncher
  readonly shell: 'electron' | 'headless'
  readonly logger?: HostLogger
  readonly concurrency?: number
  /** better-sqlite3 addon for this runtime; defaults to `$CHASE_WORKBENCH_SQLITE_BINDING`. */
  readonly nativeBinding?: string
  readonly flush?: FlusherOptions
  readonly stopGraceMs?: number
  readonly readyTimeoutMs?: number
  /** Slurm commands (tests may pass their own) and how often the jobs are polled. */
  readonly slurm?: {
    readonly cli?: SlurmCli
    readonly restClient?: SlurmExecutorOptions['restClient']
    readonly pollIntervalMs?: number
  }
  /** RAM a run may need at most; default this machine's (tests pass a small one). */
  readonly memoryBytes?: number
}

/** The host core both shells run: the store, the start-up sweep, the supervisor and the API handlers. */
export interface Host {
  readonly store: RunStore
  readonly supervisor: Supervisor
  readonly hub: EventHub
  readonly api: ApiHandlers
  readonly datasets: DatasetService
  readonly sweeps: SweepService
  /** Follows Slurm runs; `serve` tells it the address the nodes reach this host at. */
  readonly slurm: SlurmExecutor
  /** Stops trainers with a checkpoint (bounded wait, then kill), flushes and closes the database. */
  close(graceMs?: number): Promise<void>
}

export function createHost(options: HostOptions): Host {
  const logger = options.logger ?? silentLogger
  const nativeBinding = options.nativeBinding ?? process.env.CHASE_WORKBENCH_SQLITE_BINDING
  const store = RunStore.open(options.paths, nativeBinding ? { nativeBinding } : {})
  try {
    sweepDeadRuns(store, { logger })
  } catch (error) {
    store.close()
    throw error
  }
  const sqliteVersion = store.db.prepare('SELECT sqlite_version()').pluck().get() as string
  const versions = hostVersions(sqliteVersion)
  const hub = new EventHub()
  const supervisor = new Supervisor({
    store,
    hub,
    logger,
    launcher: options.launcher,
    versions,
    ...(options.paths.dbPath !== ':memory:' ? { reservePath: `${options.paths.dbPath}.reserve` } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.flush ? { flush: options.flush } : {}),
    ...(options.stopGraceMs !== undefined ? { stopGraceMs: options.stopGraceMs } : {}),
    ...(options.readyTimeoutMs !== undefined ? { readyTimeoutMs: options.readyTimeoutMs } : {}),
    ...(options.memoryBytes !== undefined ? { memoryBytes: options.memoryBytes } : {}),
  })
  const slurm = new SlurmExecutor({
    store,
    logger,
    workbenchPath: workbenchBin,
    ...(options.slurm?.cli ? { cli: options.slurm.cli } : {}),
    ...(options.slurm?.restClient ? { restClient: options.slurm.restClient } : {}),
    ...(options.slurm?.pollIntervalMs !== undefined ? { pollIntervalMs: options.slurm.pollIntervalMs } : {}),
  })
  slurm.attach(supervisor)
  supervisor.useRemoteExecutor(slurm)
  slurm.reattach()
  const sweeps = new SweepService(store, supervisor, slurm)
  const systemInfo = (): SystemInfo => ({
    appVersion,
    shell: options.shell,
    backends: backendAvailability(),
    versions,
    machine: machine(),
    dbPath: options.paths.dbPath,
    dataDir: options.paths.dataDir,
    concurrency: supervisor.concurrency,
  })
  const datasets = new DatasetService({
    hub,
    logger,
    ...(options.datasetLauncher ? { launcher: options.datasetLauncher } : {}),
  })
  const api = new ApiHandlers({ store, supervisor, logger, systemInfo, datasets, sweeps, slurm })
  let closed: Promise<void> | undefined
  return {
    store,
    supervisor,
    hub,
    api,
    datasets,
    sweeps,
    slurm,
    close(graceMs) {
      datasets.shutdown()
      closed ??= supervisor.shutdown(graceMs).finally(() => store.close())
      return closed
    },
  }
}
