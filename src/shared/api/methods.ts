import { z } from 'zod'
import { ExperimentConfig } from '../config/experimentConfig'
import type { PlanResult } from '../chase/plan'
import { BenchRequest } from '../protocol/trainerMessages'
import { ArtifactFile, ArtifactFormat, ExportedNetwork } from './artifactExports'
import { BenchId, BenchRecord } from './benchRecords'
import { Comparison } from './comparison'
import { PackedSnapshot, SnapshotEncoding } from './packedSnapshots'
import { ExportCursor, RunExportFormat, RunExportPage } from './runExportPages'
import {
  LayerSnapshot,
  MetricSeries,
  RunDetail,
  RunEvent,
  RunEventKind,
  RunFilter,
  RunId,
  RunSummary,
} from './runRecords'
import { SystemInfo } from './systemInfo'
import { DatasetDownload, DatasetStatus, FileDatasetName } from '../data/datasetStatus'
import { SweepDetail, SweepId, SweepSummary } from './sweepRecords'
import { SweepSpec } from '../sweep/sweepSpec'
import { RemotePushRequest, RemotePushResponse } from '../protocol/remotePush'

/**
 * WorkbenchApi: every operation the UI and the CLI use, as `method → { request, response }`.
 * Both shells (Electron IPC, headless WebSocket) carry exactly this map; the host validates each request
 * and each response against it, the client validates responses again.
 */

const ByRun = z.object({ runId: RunId })
const Tag = z.string().trim().min(1).max(64)
const StepRange = { fromStep: z.number().int().min(0).optional(), toStep: z.number().int().min(0).optional() }

// The plan is computed by pure shared code from a validated config, so its shape is trusted, not re-parsed.
const PlanResponse = z.custom<PlanResult>(
  (value) =>
    typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean',
  { message: 'expected a plan result { ok, plan | errors, warnings }' },
)

const method = <Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res) => ({
  request,
  response,
})

export const workbenchMethods = {
  'runs.create': method(
    // Strict: a misspelt key (`confg`, `tag`) is named in the error instead of silently dropped.
    z.strictObject({
      config: ExperimentConfig,
      name: z.string().max(200).optional(),
      experiment: z.string().trim().min(1).max(200).optional(),
      tags: z.array(Tag).max(50).default([]),
      notes: z.string().max(100_000).default(''),
    }),
    RunSummary,
  ),
  'runs.list': method(RunFilter, z.object({ runs: z.array(RunSummary), total: z.number().int() })),
  'runs.get': method(ByRun, RunDetail),
  /** Every metric key of a run with its point count and last value (for pickers and summaries). */
  'runs.metricKeys': method(
    ByRun,
    z.object({
      keys: z.array(
        z.object({ key: z.string(), points: z.number().int(), lastStep: z.number(), lastValue: z.number() }),
      ),
    }),
  ),
  /** Time series; `maxPoints` downsamples each series (largest-triangle, keeps the shape of spikes). */
  'runs.metrics': method(
    ByRun.extend({
      keys: z.array(z.string().min(1)).max(200).optional(),
      ...StepRange,
      maxPoints: z.number().int().min(2).max(1_000_000).optional(),
    }),
    z.object({ series: z.array(MetricSeries) }),
  ),
  /** Per-channel density/UMM/alive snapshots; `maxSnapshots` keeps evenly spaced ones (always the last). */
  'runs.layerSnapshots': method(
    ByRun.extend({ ...StepRange, maxSnapshots: z.number().int().min(1).max(10_000).optional() }),
    z.object({ snapshots: z.array(LayerSnapshot) }),
  ),
  /**
   * The same snapshots packed (typed arrays, optionally quantised for display; base64 on a JSON transport):
   * a fraction of the size and checked by a header test instead of a walk over every number. The dashboard
   * reads history so.
   */
  'runs.packedSnapshots': method(
    ByRun.extend({
      ...StepRange,
      maxSnapshots: z.number().int().min(1).max(10_000).optional(),
      encoding: SnapshotEncoding.default('u16'),
    }),
    z.object({
      snapshots: z.array(PackedSnapshot),
      /** Snapshots stored in the step range, before `maxSnapshots` thinned them. */
      inRange: z.number().int().min(0),
    }),
  ),
  /** The event log, oldest first; page with `afterId`. */
  'runs.events': method(
    ByRun.extend({
      kinds: z.array(RunEventKind).optional(),
      afterId: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(100_000).default(10_000),
    }),
    z.object({ events: z.array(RunEvent) }),
  ),
  /**
   * Start receiving `runMessage` push events of this run (until unsubscribe or disconnect). `seq` is the
   * last message sent before the subscription: reads made after it include everything up to it.
   */
  'runs.subscribe': method(ByRun, z.object({ run: RunSummary, seq: z.number().int().min(0) })),
  'runs.unsubscribe': method(ByRun, z.object({ runId: RunId })),
  'runs.pause': method(ByRun, RunSummary),
  /**
   * A paused run continues; an interrupted, stopped or failed run is queued again from its last checkpoint
   * (`fromStart`: from step 0 with the same config, for when every checkpoint is damaged).
   */
  'runs.resume': method(ByRun.extend({ fromStart: z.boolean().default(false) }), RunSummary),
  /** Stops at the next step boundary after writing a checkpoint; a queued run is simply cancelled. */
  'runs.stop': method(ByRun, RunSummary),
  /** Deletes the run, its time series and its folder. `confirm` must be true: there is no undo. */
  'runs.delete': method(ByRun.extend({ confirm: z.literal(true) }), z.object({ deleted: RunId })),
  'runs.archive': method(ByRun.extend({ archived: z.boolean().default(true) }), RunSummary),
  'runs.tag': method(
    ByRun.extend({ add: z.array(Tag).max(50).default([]), remove: z.array(Tag).max(50).default([]) }),
    RunSummary,
  ),
  'runs.note': method(ByRun.extend({ notes: z.string().max(100_000) }), RunSummary),
  /** csv: one row per metric point (key, step, value); json: the run detail with every series and event. */
  'runs.export': method(
    ByRun.extend({ format: z.enum(['csv', 'json']).default('json') }),
    z.object({ fileName: z.string(), mimeType: z.string(), content: z.string() }),
  ),
  /** The same export in pages of a few MB (from no cursor until `next` is null): a dense run is never one message. */
  'runs.exportPage': method(
    ByRun.extend({ format: RunExportFormat.default('json'), cursor: ExportCursor.optional() }),
    RunExportPage,
  ),
  /** onnx / safetensors: the dense or slimmed network; tensorboard: every series and channel histogram. */
  'runs.exportArtifact': method(
    ByRun.extend({ format: ArtifactFormat, network: ExportedNetwork.default('slimmed') }),
    ArtifactFile,
  ),
  'experiments.list': method(
    z.object({}),
    z.object({ experiments: z.array(z.object({ name: z.string(), runs: z.number().int() })) }),
  ),
  /** The Chase plan of a config (ERK densities, floors, channel events, FLOPs) without training. */
  'plan.compute': method(z.object({ config: ExperimentConfig }), PlanResponse),
  /** Runs side by side: only the config settings that differ, and the result numbers. */
  'compare.runs': method(z.object({ runIds: z.array(RunId).min(2).max(20) }), Comparison),
  /** Starts a benchmark in its own trainer process; the record comes back `running`, a push event follows. */
  'bench.run': method(z.object({ request: BenchRequest, runId: RunId.optional() }), BenchRecord),
  'bench.list': method(
    z.object({ runId: RunId.optional(), limit: z.number().int().min(1).max(10_000).default(200) }),
    z.object({ benchmarks: z.array(BenchRecord) }),
  ),
  'bench.get': method(z.object({ benchId: BenchId }), BenchRecord),
  'presets.list': method(
    z.object({}),
    z.object({
      presets: z.array(
        z.object({ name: z.string(), title: z.string(), description: z.string(), config: ExperimentConfig }),
      ),
    }),
  ),
  /** Every dataset the workbench knows: installed or not, where, and the downloads the host runs. */
  'datasets.list': method(
    z.object({}),
    z.object({
      datasets: z.array(DatasetStatus),
      downloads: z.array(DatasetDownload),
      dataRoot: z.string(),
      mirror: z.string().nullable(),
    }),
  ),
  /** Starts downloading a dataset on the host; `datasetChanged` push events report its progress and end. */
  'datasets.download': method(z.object({ name: FileDatasetName }), DatasetDownload),
  /** Stops a download; what arrived is kept, so the next download resumes from it. */
  'datasets.cancel': method(z.object({ name: FileDatasetName }), DatasetDownload),
  /** Reads a dataset from a folder on the host the user already has, once it passes a check. */
  'datasets.useFolder': method(
    z.object({
      name: FileDatasetName,
      folder: z
        .string()
        .trim()
        .max(4096)
        .regex(
          /^(\/|[A-Za-z]:[\\/])/,
          'give the full path of a folder on the host, e.g. /data/fashion-mnist',
        ),
    }),
    DatasetStatus,
  ),
  'system.info': method(z.object({}), SystemInfo),
  'system.setConcurrency': method(
    z.object({ concurrency: z.number().int().min(1).max(64) }),
    z.object({ concurrency: z.number().int() }),
  ),
  ...sweepMethods(),
} as const

/** Sweeps: a grid of runs as one object; `cell` narrows stop/resume/delete to one cell's run. */
function sweepMethods() {
  const BySweep = z.object({ sweepId: SweepId })
  const OneCell = { cell: z.number().int().min(0).optional() }
  return {
    /** Cells, total steps and problems of a sweep without starting it (the form's preview). */
    'sweeps.preview': method(
      z.object({ spec: SweepSpec }),
      z.object({
        ok: z.boolean(),
        cells: z.number().int(),
        totalSteps: z.number().int(),
        /** From finished runs of the same model on this store; null when none has finished yet. */
        estimatedSeconds: z.number().nullable(),
        problems: z.array(
          z.object({ cell: z.number().int().nullable(), path: z.string(), message: z.string() }),
        ),
      }),
    ),
    'sweeps.create': method(z.object({ spec: SweepSpec }), SweepDetail),
    'sweeps.list': method(z.object({}), z.object({ sweeps: z.array(SweepSummary) })),
    'sweeps.get': method(BySweep, SweepDetail),
    'sweeps.stop': method(BySweep.extend(OneCell), SweepDetail),
    'sweeps.resume': method(BySweep.extend(OneCell), SweepDetail),
    /** Deletes the sweep with every run of it (or one cell's run); its runs must be stopped first. */
    'sweeps.delete': method(
      BySweep.extend({ ...OneCell, confirm: z.literal(true) }),
      z.object({ deleted: z.array(RunId) }),
    ),
    /** A trainer on a cluster node hands its messages in (per-run token; see remotePush.ts). */
    'remote.push': method(RemotePushRequest, RemotePushResponse),
  }
}

export type WorkbenchMethods = typeof workbenchMethods
export type WorkbenchMethod = keyof WorkbenchMethods
/** What a caller may send (defaults not yet applied). */
export type ApiRequest<M extends WorkbenchMethod> = z.input<WorkbenchMethods[M]['request']>
/** What a handler receives (validated, defaults applied). */
export type ParsedRequest<M extends WorkbenchMethod> = z.output<WorkbenchMethods[M]['request']>
export type ApiResponse<M extends WorkbenchMethod> = z.output<WorkbenchMethods[M]['response']>

/** Methods whose responses hold typed arrays: transports carry those as bytes, or as base64 in JSON. */
export const typedArrayMethods: ReadonlySet<string> = new Set<WorkbenchMethod>(['runs.packedSnapshots'])

export function isWorkbenchMethod(name: string): name is WorkbenchMethod {
  return Object.hasOwn(workbenchMethods, name)
}
