import type { LayerSnapshot } from '../../shared/api'

/**
 * Snapshots shaped like a VGG-19 Chase run (15 prunable layers, 4,992 channels by default): densities that
 * drift per channel, and channels dying in waves at the given events, lowest-density ones first.
 * Deterministic (a small LCG), so benchmark runs draw the same picture.
 */
export function syntheticSnapshots(
  widths: readonly number[] = [64, 64, 128, 128, 256, 256, 256, 256, 512, 512, 512, 512, 512, 512, 512],
  snapshots = 200,
  removedShare = 0.5,
): LayerSnapshot[] {
  let seed = 12345
  const random = () => {
    seed = (seed * 1664525 + 1013904223) >>> 0
    return seed / 2 ** 32
  }
  const base = widths.map((w) => Array.from({ length: w }, () => 0.02 + random() * 0.3))
  // Each channel's death column (never when it survives); wider layers lose more, as UMM favours that.
  const deaths = widths.map((w, l) =>
    Array.from({ length: w }, (_, c) => {
      const share = removedShare * (0.5 + l / widths.length)
      return base[l]![c]! < 0.32 * share ? Math.floor(snapshots * (0.1 + 0.7 * random())) : snapshots + 1
    }),
  )
  const result: LayerSnapshot[] = []
  for (let s = 0; s < snapshots; s++) {
    result.push({
      step: (s + 1) * 100,
      densities: [],
      layers: widths.map((w, l) => {
        const density: number[] = new Array(w)
        const umm: number[] = new Array(w)
        const alive: number[] = new Array(w)
        for (let c = 0; c < w; c++) {
          const isAlive = s < deaths[l]![c]! ? 1 : 0
          const d = isAlive ? Math.min(1, base[l]![c]! * (1 + 0.6 * Math.sin((s + c) / 17))) : 0
          density[c] = d
          umm[c] = d * 0.05
          alive[c] = isAlive
        }
        return { group: `features.${l * 3}`, density, umm, alive }
      }),
    })
  }
  return result
}
