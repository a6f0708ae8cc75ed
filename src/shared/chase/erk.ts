/**
 * Per-layer starting densities for a global density d (chase-spec.md §2.2): ERK, ER and uniform.
 * ERK and ER share the dense-set iteration; they differ only in the raw score of a layer.
 */

export type SparseInitKind = 'ERK' | 'ER' | 'uniform'

export interface ShapedTensor {
  readonly name: string
  readonly shape: readonly number[]
}

export interface LayerDensities {
  /** Density per tensor, in input order; 1 for the tensors ERK had to make dense. */
  readonly densities: number[]
  /** Names of the tensors made dense by the iteration. */
  readonly dense: string[]
  /** The final ε (densities are ε·r_l outside the dense set); NaN for uniform. */
  readonly epsilon: number
}

/** ERK: (Σ n_i) / (Π n_i) over every dimension, kernel included; the paper's `fixed_ERK`. */
export function erkScore(shape: readonly number[]): number {
  return sum(shape) / product(shape)
}

/** ER: (C_in + C_out) / (C_in · C_out), kernel dimensions left out. The two channel axes are the last two
 * (tfjs layout: conv [kh, kw, in, out], dense [in, out]). */
export function erScore(shape: readonly number[]): number {
  const fanIn = shape[shape.length - 2] ?? 1
  const fanOut = shape[shape.length - 1] ?? 1
  return (fanIn + fanOut) / (fanIn * fanOut)
}

export function layerDensities(
  tensors: readonly ShapedTensor[],
  density: number,
  kind: SparseInitKind,
): LayerDensities {
  if (kind === 'uniform' || density >= 1) {
    return { densities: tensors.map(() => Math.min(1, density)), dense: [], epsilon: Number.NaN }
  }
  const sizes = tensors.map((t) => product(t.shape))
  const scores = tensors.map((t) => (kind === 'ERK' ? erkScore(t.shape) : erScore(t.shape)))
  const isDense = tensors.map(() => false)
  let epsilon = 0
  for (;;) {
    let rhs = 0
    let divisor = 0
    let maxScore = -Infinity
    tensors.forEach((_, l) => {
      if (isDense[l]) {
        rhs -= (1 - density) * sizes[l]!
      } else {
        rhs += density * sizes[l]!
        divisor += scores[l]! * sizes[l]!
        maxScore = Math.max(maxScore, scores[l]!)
      }
    })
    if (divisor === 0) break
    epsilon = rhs / divisor
    if (epsilon * maxScore <= 1) break
    // Every layer that shares the top score goes dense together, as the official loop does.
    tensors.forEach((_, l) => {
      if (!isDense[l] && scores[l] === maxScore) isDense[l] = true
    })
  }
  return {
    densities: tensors.map((_, l) => (isDense[l] ? 1 : epsilon * scores[l]!)),
    dense: tensors.filter((_, l) => isDense[l]).map((t) => t.name),
    epsilon,
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0)
}

function product(values: readonly number[]): number {
  return values.reduce((a, b) => a * b, 1)
}
