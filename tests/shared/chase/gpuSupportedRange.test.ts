import { describe, expect, it } from 'vitest'
import { lateLayersFirstAlive, proportionalAlive } from '../../../src/shared/chase/gpuSupportedRange'
import { channelFloor } from '../../../src/shared/chase/channelFloors'

const vggWidths = [64, 64, 128, 128, 256, 256, 256, 256, 512, 512, 512, 512, 512, 512, 512]
const groups = vggWidths.map((channels, i) => ({
  name: `g${i}`,
  channels,
  minChannels: channelFloor(channels, 0.5, 0.2),
}))

describe('the GPU-supported range outcomes', () => {
  it('late-layers-first gives the official selection on initial VGG-19 weights (alive 64 … 512, 321, 51 ×5)', () => {
    const alive = lateLayersFirstAlive(groups, 2496)
    expect(groups.map((g) => alive.get(g.name))).toEqual([
      64, 64, 128, 128, 256, 256, 256, 256, 512, 321, 51, 51, 51, 51, 51,
    ])
  })

  it('never goes below a floor, even when asked to remove more than the floors allow', () => {
    const alive = lateLayersFirstAlive(groups, 10_000)
    for (const g of groups) expect(alive.get(g.name)).toBe(g.minChannels)
  })

  it('proportional removal keeps the same share of every group', () => {
    const alive = proportionalAlive(groups, 0.5)
    expect(groups.map((g) => alive.get(g.name))).toEqual(vggWidths.map((w) => w / 2))
  })
})
