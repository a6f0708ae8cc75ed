import { describe, expect, it } from 'vitest'
import { runSliced } from '../../../src/renderer/util/runSliced'

function* threeSteps(order: string[]): Generator<void, number> {
  order.push('a')
  yield
  order.push('b')
  yield
  order.push('c')
  return 7
}

describe('runSliced', () => {
  it('runs every step within the budget in one task of its own, and returns the result', async () => {
    const order: string[] = []
    const done = runSliced(threeSteps(order), { budgetMs: 1_000 })
    expect(order).toEqual([])
    setTimeout(() => order.push('other task'), 0)
    expect(await done).toBe(7)
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(order).toEqual(['a', 'b', 'c', 'other task'])
  })

  it('lets other tasks in between steps once the budget is spent', async () => {
    const order: string[] = []
    const done = runSliced(threeSteps(order), { budgetMs: 0 })
    setTimeout(() => order.push('other task'), 0)
    expect(await done).toBe(7)
    expect(order.indexOf('other task')).toBeGreaterThan(order.indexOf('a'))
    expect(order.indexOf('other task')).toBeLessThan(order.indexOf('c'))
  })

  it('stops at a yield once cancelled, with null', async () => {
    const order: string[] = []
    let cancelled = false
    const done = runSliced(threeSteps(order), { budgetMs: 0, cancelled: () => cancelled })
    setTimeout(() => (cancelled = true), 0)
    expect(await done).toBeNull()
    expect(order).not.toContain('c')
  })
})
