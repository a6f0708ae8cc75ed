/**
 * The least or greatest value of a sum of small tables over 0/1 variables, exactly, by variable
 * elimination: each variable in turn is optimised out of the tables that mention it, leaving one table
 * over their other variables. The work grows as 2^(widest table met), so it is cheap when the tables'
 * interaction graph is close to a tree (a chain of layers, a residual stage with its blocks).
 */

/** A term of the sum: `table[k]` is its value when bit j of k is the value of variable `scope[j]`. */
export interface BinaryFactor {
  readonly scope: readonly number[]
  readonly table: ArrayLike<number>
}

/** Wider tables than this (2^20 entries) are refused rather than allocated. */
export const maxEliminationWidth = 20

/**
 * An order to eliminate the variables in: the one with the fewest neighbours first (min-degree), which
 * is exact on trees and keeps the tables small on near-trees. Depends only on the scopes, so it can be
 * computed once and reused for tables that change. Throws when a table would exceed the width limit.
 */
export function eliminationOrder(variableCount: number, scopes: readonly (readonly number[])[]): number[] {
  const neighbours = Array.from({ length: variableCount }, () => new Set<number>())
  for (const scope of scopes) for (const a of scope) for (const b of scope) if (a !== b) neighbours[a]!.add(b)
  const left = new Set(Array.from({ length: variableCount }, (_, v) => v))
  const order: number[] = []
  while (left.size > 0) {
    let next = -1
    for (const v of left) if (next < 0 || neighbours[v]!.size < neighbours[next]!.size) next = v
    const around = [...neighbours[next]!]
    if (around.length > maxEliminationWidth)
      throw new Error(
        `eliminating variable ${next} makes a table over ${around.length} variables (limit ${maxEliminationWidth})`,
      )
    for (const a of around) {
      neighbours[a]!.delete(next)
      for (const b of around) if (a !== b) neighbours[a]!.add(b)
    }
    left.delete(next)
    order.push(next)
  }
  return order
}

/** min or max over all 0/1 assignments of Σ factors, eliminating in `order` (every variable once). */
export function binaryOptimum(
  factors: readonly BinaryFactor[],
  order: readonly number[],
  sense: 'min' | 'max',
): number {
  const pick = sense === 'min' ? Math.min : Math.max
  let pending: BinaryFactor[] = [...factors]
  let constant = 0
  for (const v of order) {
    const touching = pending.filter((f) => f.scope.includes(v))
    pending = pending.filter((f) => !f.scope.includes(v))
    const scope = [...new Set(touching.flatMap((f) => f.scope))].filter((x) => x !== v)
    // For each touching table and each of its variables: the bit of the new table's index it reads, −1 for v.
    const reads = touching.map((f) => f.scope.map((x) => (x === v ? -1 : scope.indexOf(x))))
    const table = new Float64Array(1 << scope.length)
    for (let k = 0; k < table.length; k++) {
      let best = Number.NaN
      for (let bit = 0; bit < 2; bit++) {
        let sum = 0
        touching.forEach((f, t) => {
          let index = 0
          reads[t]!.forEach((at, j) => {
            index |= (at < 0 ? bit : (k >> at) & 1) << j
          })
          sum += f.table[index]!
        })
        best = bit === 0 ? sum : pick(best, sum)
      }
      table[k] = best
    }
    if (scope.length === 0) constant += table[0]!
    else pending.push({ scope, table })
  }
  for (const f of pending) {
    if (f.scope.length > 0)
      throw new Error(`variables ${f.scope.join(', ')} were not in the elimination order`)
    constant += f.table[0]!
  }
  return constant
}
