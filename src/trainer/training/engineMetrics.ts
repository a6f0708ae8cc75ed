import type { SparseEngine } from '../chase/sparseEngine'
import type { EventEmitter } from '../runtime/eventEmitter'

/** The sparse engine's scalars at `step` as metric points. */
export function emitEngineMetrics(emitter: EventEmitter, engine: SparseEngine, step: number): void {
  const s = engine.scalars(step)
  emitter.metric('sparsity/density', step, s.density)
  emitter.metric('sparsity/densityTarget', step, s.densityTarget)
  emitter.metric('sparsity/aliveRegionDensity', step, s.aliveRegionDensity)
  emitter.metric('channels/sparsity', step, s.channelSparsity)
  emitter.metric('channels/sparsityTarget', step, s.channelSparsityTarget)
  emitter.metric('flops/trainingRatio', step, s.trainingFlopsRatio)
}
