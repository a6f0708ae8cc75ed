import type { z } from 'zod'
import { ApiError } from '../../shared/api/apiError'
import {
  isWorkbenchMethod,
  workbenchMethods,
  type ParsedRequest,
  type WorkbenchMethod,
  type WorkbenchMethods,
} from '../../shared/api/methods'
import type { SystemInfo } from '../../shared/api/systemInfo'
import { computePlan } from '../../shared/chase/plan'
import { ConfigError } from '../../shared/config/configIssues'
import { requireExperimentConfig } from '../../shared/config/parseConfig'
import { presetConfig, presets } from '../../shared/config/presets'
import { configIssues } from '../../shared/config/configIssues'
import { compareRuns } from './compareRuns'
import type { DatasetService } from './datasetService'
import type { ClientSession } from './eventHub'
import { exportRun } from './exportRun'
import { exportPage } from './exportPages'
import { artifactFile, exportArtifact } from './exports/exportArtifact'
import { ConflictError, NotFoundError } from './hostErrors'
import type { HostLogger } from './logger'
import type { RunStore } from './runStore'
import { StoreError } from './storeErrors'
import { asRunId } from './brands'
import type { Supervisor } from './supervisor'
import type { SweepService } from './sweepService'
import type { SlurmExecutor } from './slurm/slurmExecutor'

/** Who is calling: the connection's subscriptions live here. */
export interface CallContext {
  readonly client: ClientSession
}

type Handler<M extends WorkbenchMethod> = (
  request: ParsedRequest<M>,
  context: CallContext,
) => z.input<WorkbenchMethods[M]['response']> | Promise<z.input<WorkbenchMethods[M]['response']>>

export interface ApiHandlerDeps {
  readonly store: RunStore
  readonly supervisor: Supervisor
  readonly logger: HostLogger
  readonly systemInfo: () => SystemInfo
  readonly datasets: DatasetService
  readonly sweeps: SweepService
  readonly slurm: SlurmExecutor
}

/**
 * Implements every `WorkbenchApi` method on the store and the supervisor. `call` validates the request,
 * runs the handler and validates the response, so both shells get the same checks and the same errors.
 */
export class ApiHandlers {
  private readonly handlers: { [M in WorkbenchMethod]: Handler<M> }

  constructor(private readonly deps: ApiHandlerDeps) {
    this.handlers = buildHandlers(deps)
  }

  /** Never throws anything but an `ApiError`. */
  async call(method: string, params: unknown, context: CallContext): Promise<unknown> {
    if (!isWorkbenchMethod(method)) {
      throw new ApiError('unknown-method', `Unknown method "${method.slice(0, 64)}"`)
    }
    const schema = workbenchMethods[method]
    const request = schema.request.safeParse(params ?? {})
    if (!request.success) {
      throw new ApiError('invalid-request', `Invalid ${method} request`, configIssues(request.error))
    }
    let result: unknown
    try {
      const handler = this.handlers[method] as Handler<WorkbenchMethod>
      result = await handler(request.data as never, context)
    } catch (error) {
      throw this.toApiError(method, error)
    }
    const response = schema.response.safeParse(result)
    if (!response.success) {
      this.deps.logger.error(
        `${method} produced a response that breaks the contract: ${response.error.message}`,
      )
      throw new ApiError('internal', `The host produced an invalid ${method} response; see the host log`)
    }
    return response.data
  }

  private toApiError(method: string, error: unknown): ApiError {
    if (error instanceof ApiError) return error
    if (error instanceof NotFoundError) return new ApiError('not-found', error.message)
    if (error instanceof ConflictError) return new ApiError('conflict', error.message)
    if (error instanceof ConfigError) return new ApiError('invalid-request', error.message, [...error.issues])
    if (error instanceof StoreError) return new ApiError('unavailable', error.message)
    this.deps.logger.error(`${method} failed: ${(error as Error)?.stack ?? String(error)}`)
    return new ApiError('internal', `${method} failed: ${(error as Error)?.message ?? String(error)}`)
  }
}

function buildHandlers({ store, supervisor, systemInfo, datasets, sweeps, slurm }: ApiHandlerDeps): {
  [M in WorkbenchMethod]: Handler<M>
} {
  const detail = (runId: string) => {
    const run = store.getDetail(runId)
    if (!run) throw new NotFoundError(`No run "${runId}"`)
    return run
  }
  const existing = (runId: string) => {
    store.requireSummary(runId)
    // Reads see everything received so far, not only what the last timer flush wrote.
    supervisor.flusher.flush()
  }
  const changed = (run: ReturnType<RunStore['requireSummary']>) => {
    supervisor.hub.publish({ type: 'runChanged', run, previousStatus: run.status })
    return run
  }
  return {
    'runs.create': (r) =>
      supervisor.create({
        // The schema checked the shape; this adds what it cannot know (the model registry).
        config: requireExperimentConfig(r.config),
        ...(r.name !== undefined ? { name: r.name } : {}),
        ...(r.experiment !== undefined ? { experiment: r.experiment } : {}),
        tags: r.tags,
        notes: r.notes,
      }),
    'runs.list': (r) => store.listRuns(r),
    'runs.get': (r) => detail(r.runId),
    'runs.metricKeys': (r) => {
      existing(r.runId)
      return { keys: store.series.metricKeys(r.runId) }
    },
    'runs.metrics': (r) => {
      existing(r.runId)
      return { series: store.series.metrics(r.runId, r) }
    },
    'runs.layerSnapshots': (r) => {
      existing(r.runId)
      return { snapshots: store.series.layerSnapshots(r.runId, r) }
    },
    'runs.packedSnapshots': async (r) => {
      existing(r.runId)
      return store.series.packedLayerSnapshots(r.runId, r, r.encoding)
    },
    'runs.events': (r) => {
      existing(r.runId)
      return { events: store.series.events(r.runId, r) }
    },
    'runs.subscribe': (r, { client }) => {
      const run = store.requireSummary(r.runId)
      client.subscribedRuns.add(r.runId)
      return { run, seq: supervisor.hub.lastSeq(r.runId) }
    },
    'runs.unsubscribe': (r, { client }) => {
      client.subscribedRuns.delete(r.runId)
      return { runId: r.runId }
    },
    'runs.pause': (r) => supervisor.pause(r.runId),
    'runs.resume': (r) => supervisor.resume(r.runId, { fromStart: r.fromStart }),
    'runs.stop': (r) => supervisor.stop(r.runId),
    'runs.delete': (r) => {
      supervisor.delete(r.runId)
      return { deleted: r.runId }
    },
    'runs.archive': (r) => changed(store.setArchived(r.runId, r.archived)),
    'runs.tag': (r) => changed(store.setTags(r.runId, r.add, r.remove)),
    'runs.note': (r) => changed(store.setNotes(r.runId, r.notes)),
    'runs.export': (r) => {
      existing(r.runId)
      return exportRun(store, r.runId, r.format)
    },
    'runs.exportPage': (r) => {
      existing(r.runId)
      return exportPage(store, r.runId, r.format, r.cursor)
    },
    'runs.exportArtifact': (r) => {
      existing(r.runId)
      return artifactFile(exportArtifact(store, detail(r.runId), r.format, r.network))
    },
    'experiments.list': () => ({ experiments: store.experiments() }),
    'plan.compute': (r) => computePlan(r.config),
    'compare.runs': (r) => {
      const runs = r.runIds.map(detail)
      const last = r.runIds.map((id) =>
        Object.fromEntries(store.series.metricKeys(id).map((k) => [k.key, k.lastValue] as const)),
      )
      return compareRuns(runs, last)
    },
    'bench.run': (r) => {
      if (r.runId) store.requireSummary(r.runId)
      return supervisor.startBench(r.request, r.runId).record
    },
    'bench.list': (r) => ({ benchmarks: store.benchmarks.list(r.runId, r.limit) }),
    'bench.get': (r) => {
      const bench = store.benchmarks.get(r.benchId)
      if (!bench) throw new NotFoundError(`No benchmark "${r.benchId}"`)
      return bench
    },
    'presets.list': () => ({
      presets: presets.map((p) => ({
        name: p.name,
        title: p.title,
        description: p.description,
        config: presetConfig(p.name),
      })),
    }),
    'datasets.list': () => datasets.list(),
    'datasets.download': (r) => datasets.download(r.name),
    'datasets.cancel': (r) => datasets.cancel(r.name),
    'datasets.useFolder': (r) => datasets.useFolder(r.name, r.folder),
    'system.info': () => systemInfo(),
    'system.setConcurrency': (r) => {
      supervisor.setConcurrency(r.concurrency)
      return { concurrency: supervisor.concurrency }
    },
    'sweeps.preview': (r) => sweeps.preview(r.spec),
    'sweeps.create': (r) => sweeps.create(r.spec),
    'sweeps.list': () => ({ sweeps: sweeps.list() }),
    'sweeps.get': (r) => sweeps.detail(r.sweepId),
    'sweeps.stop': (r) => sweeps.stop(r.sweepId, r.cell),
    'sweeps.resume': (r) => sweeps.resume(r.sweepId, r.cell),
    'sweeps.delete': (r) => ({ deleted: sweeps.delete(r.sweepId, r.cell).map(asRunId) }),
    'remote.push': (r) => slurm.receive(r),
  }
}
