import { describe, expect, it } from 'vitest'
import { formatDurationShort, metricRole, progressLine } from '../../../src/main/headless/progressLine'

describe('progress line', () => {
  it('shows bar, step, epoch, loss, accuracy, images/s and ETA', () => {
    const line = progressLine({
      progress: { step: 570, totalSteps: 1000, epoch: 2, epochs: 5, imagesPerSecond: 1240.4, etaSeconds: 72 },
      loss: 0.41234,
      accuracy: 0.8512,
      phase: 'training',
    })
    expect(line).toMatch(
      /^\[#+·+\]  57% step 570\/1000 ep 3\/5 loss 0\.412 acc 85\.1% 1,240 img\/s ETA 1m12s$/,
    )
  })

  it('says what it is doing before the first progress', () => {
    expect(progressLine({ progress: null, loss: null, accuracy: null, phase: 'loading-data' })).toBe(
      'loading-data…',
    )
  })

  it('finds the training loss and accuracy among metric keys', () => {
    expect(metricRole('train/loss')).toBe('loss')
    expect(metricRole('train/accuracy')).toBe('accuracy')
    expect(metricRole('train/acc')).toBe('accuracy')
    expect(metricRole('test/accuracy')).toBeNull()
    expect(metricRole('train/lossScale')).toBeNull()
  })

  it('formats durations compactly', () => {
    expect(formatDurationShort(5)).toBe('5s')
    expect(formatDurationShort(3725)).toBe('1h02m')
  })
})
