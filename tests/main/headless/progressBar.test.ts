import { describe, expect, it } from 'vitest'
import { formatProgress } from '../../../src/main/headless/progressBar'

describe('formatProgress', () => {
  it('draws a bar with percent, sizes and speed', () => {
    const line = formatProgress(
      {
        file: 'a.gz',
        receivedBytes: 13_700_000,
        totalBytes: 26_400_000,
        bytesPerSecond: 2_100_000,
        done: false,
      },
      10,
    )
    expect(line).toBe('a.gz [#####·····]  51%  13.7/26.4 MB  2.1 MB/s')
  })
})
