import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { binaryOptimum, eliminationOrder, type BinaryFactor } from '../../../src/shared/chase/binaryOptimum'

/** Every assignment, the slow way. */
function bruteForce(variables: number, factors: readonly BinaryFactor[], sense: 'min' | 'max'): number {
  let best = sense === 'min' ? Infinity : -Infinity
  for (let bits = 0; bits < 1 << variables; bits++) {
    let sum = 0
    for (const f of factors) {
      let k = 0
      f.scope.forEach((v, j) => {
        k |= ((bits >> v) & 1) << j
      })
      sum += f.table[k]!
    }
    best = sense === 'min' ? Math.min(best, sum) : Math.max(best, sum)
  }
  return best
}

const factorOf = (variables: number) =>
  fc.uniqueArray(fc.integer({ min: 0, max: variables - 1 }), { minLength: 0, maxLength: 3 }).chain((scope) =>
    fc
      .array(fc.double({ min: -10, max: 10, noNaN: true }), {
        minLength: 1 << scope.length,
        maxLength: 1 << scope.length,
      })
      .map((table): BinaryFactor => ({ scope, table })),
  )

describe('binaryOptimum', () => {
  it('finds the same min and max as trying every assignment', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 9 })
          .chain((n) => fc.tuple(fc.constant(n), fc.array(factorOf(n), { maxLength: 14 }))),
        fc.constantFrom('min' as const, 'max' as const),
        ([n, factors], sense) => {
          const order = eliminationOrder(
            n,
            factors.map((f) => f.scope),
          )
          expect(binaryOptimum(factors, order, sense)).toBeCloseTo(bruteForce(n, factors, sense), 9)
        },
      ),
    )
  })

  it('solves a 60-variable chain (2^60 assignments) as a forward pass along it does', () => {
    const links = Array.from({ length: 59 }, (_, i): BinaryFactor => ({
      scope: [i, i + 1],
      table: [Math.sin(i), Math.cos(i), Math.sin(2 * i), -Math.cos(3 * i)],
    }))
    // best[x]: the least sum over variables 0..i with variable i = x.
    let best = [0, 0]
    for (const link of links) {
      const t = link.table
      best = [0, 1].map((x) => Math.min(best[0]! + t[x << 1]!, best[1]! + t[1 | (x << 1)]!))
    }
    const order = eliminationOrder(
      60,
      links.map((f) => f.scope),
    )
    expect(binaryOptimum(links, order, 'min')).toBeCloseTo(Math.min(...best), 9)
  })

  it('refuses a graph whose tables would grow past the width limit', () => {
    const clique = Array.from({ length: 30 }, (_, i) =>
      Array.from({ length: 30 }, (_, j) => j).filter((j) => j !== i),
    )
    expect(() => eliminationOrder(30, clique)).toThrow(/table over 29 variables \(limit 20\)/)
  })

  it('says which variables the order left out', () => {
    expect(() => binaryOptimum([{ scope: [0, 1], table: [0, 1, 2, 3] }], [0], 'min')).toThrow(
      /variables 1 were not in the elimination order/,
    )
  })
})
