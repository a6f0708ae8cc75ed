import { describe, expect, it } from 'vitest'
import { computePlan } from '../../../src/shared/chase/plan'
import { presetConfig } from '../../../src/shared/config/presets'
import { flopsChart } from '../../../src/renderer/charts/planCharts'

describe('the plan preview MACs chart', () => {
  it('draws GPU-supported MACs as the plan’s range, never as one expected figure', () => {
    const result = computePlan(presetConfig('paper-vgg19-cifar100'))
    if (!result.ok) throw new Error('plan failed')
    const plan = result.plan
    const [low, high] = plan.gpuSupportedRatioRange
    const series = flopsChart(plan).series as { data: number[]; stack?: string; label?: unknown }[]
    const [start, bar] = series
    expect(start!.stack).toBe(bar!.stack)
    // The floating bar starts at the low end and ends at the high end of the bound.
    expect(start!.data[2]! / plan.denseMacs).toBeCloseTo(low, 9)
    expect((start!.data[2]! + bar!.data[2]!) / plan.denseMacs).toBeCloseTo(high, 9)
    expect(bar!.data.slice(0, 2)).toEqual([plan.denseMacs, plan.expectedTheoreticalMacs])
    const label = (bar!.label as { formatter: (p: { dataIndex: number; value: unknown }) => string })
      .formatter
    expect(label({ dataIndex: 2, value: bar!.data[2] })).toBe(`${low.toFixed(3)}–${high.toFixed(3)}×`)
    expect(label({ dataIndex: 1, value: plan.expectedTheoreticalMacs })).toBe(
      `${plan.theoreticalRatio.toFixed(3)}×`,
    )
  })
})
