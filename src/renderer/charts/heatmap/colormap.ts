/** RGB bytes packed as 0xAABBGGRR, the byte order of a little-endian Uint32 view over ImageData. */
export type PackedColor = number

export function packRgb(r: number, g: number, b: number): PackedColor {
  return ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0
}

export function unpackRgb(color: PackedColor): [number, number, number] {
  return [color & 255, (color >>> 8) & 255, (color >>> 16) & 255]
}

/** Parses `#rrggbb` (the form the theme variables use). */
export function hexToRgb(hex: string): [number, number, number] {
  const match = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim())
  if (!match) throw new Error(`"${hex}" is not a #rrggbb colour`)
  return [parseInt(match[1]!, 16), parseInt(match[2]!, 16), parseInt(match[3]!, 16)]
}

// Polynomial fit of matplotlib's viridis (perceptually uniform, readable in both themes and by most colour-blind readers).
const viridisCoefficients = [
  [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
  [0.1050930431085774, 1.404613529898575, 1.384590162594685],
  [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
  [-4.634230498983486, -5.799100973351585, -19.33244095627987],
  [6.228269936347081, 14.17993336680509, 56.69055260068105],
  [4.776384997670288, -13.74514537774601, -65.35303263337234],
  [-5.435455855934631, 4.645852612178535, 26.3124352495832],
] as const

export function viridis(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t))
  const rgb: [number, number, number] = [0, 0, 0]
  for (let channel = 0; channel < 3; channel++) {
    let value = 0
    for (let k = viridisCoefficients.length - 1; k >= 0; k--)
      value = value * x + viridisCoefficients[k]![channel]!
    rgb[channel] = Math.round(Math.min(1, Math.max(0, value)) * 255)
  }
  return rgb
}

/** 256 packed viridis colours, index = round(t·255). */
export const viridisTable: Uint32Array = (() => {
  const table = new Uint32Array(256)
  for (let i = 0; i < 256; i++) table[i] = packRgb(...viridis(i / 255))
  return table
})()

/** CSS gradient of the same scale, for the legend. */
export function viridisCssGradient(direction = 'to right', stops = 8): string {
  const parts: string[] = []
  for (let i = 0; i <= stops; i++) {
    const [r, g, b] = viridis(i / stops)
    parts.push(`rgb(${r} ${g} ${b}) ${((i / stops) * 100).toFixed(1)}%`)
  }
  return `linear-gradient(${direction}, ${parts.join(', ')})`
}
