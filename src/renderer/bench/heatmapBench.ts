import { createApp, h, nextTick, ref, shallowRef } from 'vue'
import { createPinia } from 'pinia'
import ChannelHeatmap from '../components/ChannelHeatmap.vue'
import { channelGrid, type ChannelGrid } from '../charts/heatmap/channelGrid'
import { syntheticSnapshots } from './syntheticSnapshots'

export interface HeatmapTiming {
  readonly channels: number
  readonly snapshots: number
  /** Snapshots → typed grid. */
  readonly gridMs: number
  /** Mount: ECharts init, rasterise, first draw (synchronous; the canvas holds the picture afterwards). */
  readonly firstDrawMs: number
  /** New data into a mounted chart, to the finished draw. */
  readonly redrawMs: number
  /** Of which: the rasteriser alone (reported by the component). */
  readonly rasterMs: number
  /** Redraw including the next animation frame (what a user waits for). */
  readonly redrawToFrameMs: number
}

/**
 * Draws a channels × snapshots heatmap with the real component, as the dashboard does, and times it.
 * Runs in a browser page; bench/heatmap.ts drives it in Chromium.
 */
export async function runHeatmapBench(
  host: HTMLElement,
  channels = 4992,
  columns = 200,
): Promise<HeatmapTiming> {
  const widths = layerWidths(channels)
  const snapshots = syntheticSnapshots(widths, columns)
  const t0 = performance.now()
  const densityGrid = channelGrid(snapshots, 'density', [])
  const gridMs = performance.now() - t0
  const ummGrid = channelGrid(snapshots, 'umm', [])

  const grid = shallowRef<ChannelGrid>(densityGrid)
  const metric = ref('channel density')
  let rasterMs = 0
  const app = createApp({
    render: () =>
      h(ChannelHeatmap, {
        grid: grid.value,
        metricLabel: metric.value,
        height: '480px',
        onPainted: (ms: number) => (rasterMs = ms),
      }),
  })
  app.use(createPinia())
  const t1 = performance.now()
  app.mount(host)
  const firstDrawMs = performance.now() - t1

  const t2 = performance.now()
  grid.value = ummGrid
  metric.value = 'UMM'
  await nextTick()
  const redrawMs = performance.now() - t2
  await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()))
  const redrawToFrameMs = performance.now() - t2
  return {
    channels: densityGrid.channels,
    snapshots: columns,
    gridMs,
    firstDrawMs,
    redrawMs,
    rasterMs,
    redrawToFrameMs,
  }
}

/** VGG-19's prunable widths, scaled so they add up to about `channels`. */
function layerWidths(channels: number): number[] {
  const vgg = [64, 64, 128, 128, 256, 256, 256, 256, 512, 512, 512, 512, 512, 512, 512]
  const total = vgg.reduce((a, b) => a + b, 0)
  return vgg.map((w) => Math.max(1, Math.round((w * channels) / total)))
}

;(window as unknown as { runHeatmapBench: typeof runHeatmapBench }).runHeatmapBench = runHeatmapBench
