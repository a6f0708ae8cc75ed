import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isMetricKey, metricKeys } from '../../../src/shared/metrics/metricKeys'
import { startTrainer, tinyConfig } from '../../support/trainerProcess'

describe('the metric keys a real run emits', () => {
  it('are all in the catalogue, and the catalogue has no key a run never emits', async () => {
    const run = startTrainer(
      mkdtempSync(join(tmpdir(), 'metric-keys-')),
      tinyConfig({ optim: { epochs: 1, batchSize: 50 } }),
    )
    await run.waitFor((m) => m.type === 'done')
    expect((await run.exited).code).toBe(0)
    const emitted = new Set(
      run.messages.flatMap((m) => (m.type === 'metrics' ? m.points.map((p) => p.key) : [])),
    )
    expect([...emitted].filter((key) => !isMetricKey(key))).toEqual([])
    expect(Object.values(metricKeys).filter((key) => !emitted.has(key))).toEqual([])
  }, 600_000)
})
