import { describe, expect, it } from 'vitest'
import { parseRoute, routeHash, type Route } from '../../../src/renderer/router/route'

describe('hash routes', () => {
  it('reads every deep link of the app', () => {
    expect(parseRoute('')).toEqual({ name: 'runs' })
    expect(parseRoute('#/runs')).toEqual({ name: 'runs' })
    expect(parseRoute('#/runs/new')).toEqual({ name: 'new-run', cloneFrom: undefined, preset: undefined })
    expect(parseRoute('#/runs/new?clone=r1')).toEqual({ name: 'new-run', cloneFrom: 'r1', preset: undefined })
    expect(parseRoute('#/runs/20261121-abc')).toEqual({ name: 'run', id: '20261121-abc' })
    expect(parseRoute('#/compare?ids=a,b')).toEqual({ name: 'compare', ids: ['a', 'b'] })
    expect(parseRoute('#/bench')).toEqual({ name: 'bench', runId: undefined })
    expect(parseRoute('#/bench?run=r2')).toEqual({ name: 'bench', runId: 'r2' })
    expect(parseRoute('#/datasets')).toEqual({ name: 'datasets' })
  })

  it('drops empty and repeated ids from a compare link', () => {
    expect(parseRoute('#/compare?ids=a,,b,a')).toEqual({ name: 'compare', ids: ['a', 'b'] })
  })

  it('sends anything else to not-found instead of guessing', () => {
    expect(parseRoute('#/runs/a/b').name).toBe('not-found')
    expect(parseRoute('#/settings').name).toBe('not-found')
  })

  it('writes links that read back as the same route', () => {
    const routes: Route[] = [
      { name: 'runs' },
      { name: 'new-run', cloneFrom: 'run.1', preset: undefined },
      { name: 'run', id: 'run_2' },
      { name: 'compare', ids: ['a', 'b', 'c'] },
      { name: 'bench', runId: 'x' },
      { name: 'datasets' },
    ]
    for (const route of routes) expect(parseRoute(routeHash(route))).toEqual({ preset: undefined, ...route })
  })
})
