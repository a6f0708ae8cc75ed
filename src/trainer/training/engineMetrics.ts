import { metricKeys } from '../../shared/metrics/metricKeys'
import type { SparseEngine } from '../chase/sparseEngine'
import type { EventEmitter } from '../runtime/eventEmitter'

/** The sparse engine's scalars at `step` as metric points. */
export function emitEngineMetrics(emitter: EventEmitter, engine: SparseEngine, step: number): void {
  const s = engine.scalars(step)
  emitter.metric(metricKeys.density, step, s.density)
  emitter.metric(metricKeys.densityTarget, step, s.densityTarget)
  emitter.metric(metricKeys.aliveRegionDensity, step, s.aliveRegionDensity)
  emitter.metric(metricKeys.channelSparsity, step, s.channelSparsity)
  emitter.metric(metricKeys.channelSparsityTarget, step, s.channelSparsityTarget)
  emitter.metric(metricKeys.trainingFlopsRatio, step, s.trainingFlopsRatio)
}
