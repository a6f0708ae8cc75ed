import { hostname } from 'node:os'
import protobuf from 'protobufjs'
import type { RunStore } from '../../runStore'
import { densityHistogram } from './channelHistogram'
import { eventProtoSource } from './eventProtoSource'
import { tfRecord } from './tfRecord'

const Event = protobuf.parse(eventProtoSource, { keepCase: true }).root.lookupType('tensorboard.Event')

export interface TensorboardFile {
  /** `events.out.tfevents.<seconds>.<host>`, the name TensorBoard looks for. */
  readonly fileName: string
  readonly content: Buffer
}

/**
 * The run as one TensorBoard event file: every stored metric point as a scalar (tag = metric key) and,
 * at every layer snapshot, a histogram of each layer's per-channel densities
 * (`channel_density/<layer>`). The store keeps steps, not times, so each point's wall time is placed
 * on the line from the run's start to its end by step.
 */
export function tensorboardEvents(store: RunStore, runId: string): TensorboardFile {
  const run = store.getDetail(runId)
  if (!run) throw new Error(`No run "${runId}"`)
  const series = store.series.metrics(runId)
  const snapshots = store.series.layerSnapshots(runId)
  const lastStep = Math.max(1, ...series.flatMap((s) => s.steps.slice(-1)), ...snapshots.map((s) => s.step))
  const start = (run.startedAt ?? run.createdAt) / 1000
  const end = Math.max(start, (run.finishedAt ?? run.heartbeatAt ?? run.startedAt ?? run.createdAt) / 1000)
  const wallTime = (step: number) => start + ((end - start) * step) / lastStep

  const records: Buffer[] = [record({ wall_time: start, step: 0, file_version: 'brain.Event:2' })]
  const points: { step: number; value: object }[] = []
  for (const s of series)
    for (let i = 0; i < s.steps.length; i++)
      points.push({ step: s.steps[i]!, value: { tag: s.key, simple_value: s.values[i]! } })
  for (const snapshot of snapshots)
    for (const layer of snapshot.layers)
      points.push({
        step: snapshot.step,
        value: { tag: `channel_density/${layer.group}`, histo: densityHistogram(layer.density) },
      })
  points.sort((a, b) => a.step - b.step)
  for (const p of points)
    records.push(record({ wall_time: wallTime(p.step), step: p.step, summary: { value: [p.value] } }))
  return {
    fileName: `events.out.tfevents.${Math.floor(start)}.${hostname() || 'chase-workbench'}`,
    content: Buffer.concat(records),
  }
}

function record(event: object): Buffer {
  const problem = Event.verify(event)
  if (problem) throw new Error(`TensorBoard event: ${problem}`)
  return tfRecord(Event.encode(Event.fromObject(event)).finish())
}
