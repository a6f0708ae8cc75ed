import type { RunProgress } from '../../shared/api/runRecords'
import { metricKeys } from '../../shared/metrics/metricKeys'

export interface LiveNumbers {
  progress: RunProgress | null
  loss: number | null
  accuracy: number | null
  phase: string | null
}

/**
 * Picks the training loss and accuracy among a run's metric keys: the catalogue's, or by pattern for
 * other namings (`train_acc`, …).
 */
export function metricRole(key: string): 'loss' | 'accuracy' | null {
  if (key === metricKeys.trainLoss) return 'loss'
  if (key === metricKeys.trainAccuracy) return 'accuracy'
  const lower = key.toLowerCase()
  if (!lower.startsWith('train')) return null
  if (/(^|[/._-])loss$/.test(lower)) return 'loss'
  if (/(^|[/._-])acc(uracy)?$/.test(lower)) return 'accuracy'
  return null
}

export function formatDurationShort(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}

/** `[########······] 57% step 570/1000 ep 3/5 loss 0.412 acc 85.1% 1,240 img/s ETA 1m12s` */
export function progressLine(live: LiveNumbers, width = 100): string {
  const p = live.progress
  if (!p) return live.phase ? `${live.phase}…` : 'starting…'
  const fraction = p.totalSteps > 0 ? Math.min(1, p.step / p.totalSteps) : 0
  const barWidth = Math.max(10, Math.min(30, width - 75))
  const filled = Math.round(fraction * barWidth)
  const parts = [
    `[${'#'.repeat(filled)}${'·'.repeat(barWidth - filled)}]`,
    // Integer arithmetic: 570/1000 must read 57 %, not floor(56.999…).
    `${p.totalSteps > 0 ? Math.min(100, Math.floor((p.step * 100) / p.totalSteps)) : 0}%`.padStart(4),
    `step ${p.step}/${p.totalSteps}`,
    `ep ${Math.min(p.epoch + 1, p.epochs)}/${p.epochs}`,
  ]
  if (live.loss !== null) parts.push(`loss ${live.loss.toFixed(3)}`)
  if (live.accuracy !== null)
    parts.push(`acc ${(live.accuracy * (live.accuracy <= 1 ? 100 : 1)).toFixed(1)}%`)
  parts.push(`${Math.round(p.imagesPerSecond).toLocaleString('en-US')} img/s`)
  if (p.etaSeconds !== null) parts.push(`ETA ${formatDurationShort(p.etaSeconds)}`)
  if (live.phase && live.phase !== 'training') parts.push(`(${live.phase})`)
  return parts.join(' ').slice(0, width)
}
