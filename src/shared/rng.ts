/**
 * A small seeded PRNG (xoshiro128**) whose whole state is four 32-bit words, so a checkpoint can save
 * it and an exact resume can restore it. Seeded through splitmix32 so nearby seeds give unrelated streams.
 */
export type RngState = readonly [number, number, number, number]

function splitmix32(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
}

export class Rng {
  private s0: number
  private s1: number
  private s2: number
  private s3: number

  private constructor(state: RngState) {
    ;[this.s0, this.s1, this.s2, this.s3] = state
  }

  /** A generator for one purpose (`stream`) of one run (`seed`): data order, init and masks never share draws. */
  static fromSeed(seed: number, stream = 0): Rng {
    const next = splitmix32((seed ^ Math.imul(stream + 1, 0x27d4eb2d)) >>> 0)
    const state: [number, number, number, number] = [next(), next(), next(), next()]
    if (state.every((w) => w === 0)) state[0] = 1
    return new Rng(state)
  }

  static fromState(state: RngState): Rng {
    return new Rng(state)
  }

  state(): RngState {
    return [this.s0, this.s1, this.s2, this.s3]
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0
    const t = (this.s1 << 9) >>> 0
    this.s2 ^= this.s0
    this.s3 ^= this.s1
    this.s1 ^= this.s2
    this.s0 ^= this.s3
    this.s2 ^= t
    this.s3 = rotl(this.s3, 11)
    this.s0 >>>= 0
    this.s1 >>>= 0
    this.s2 >>>= 0
    return result
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / 4294967296
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  /** Standard normal (Box–Muller; one draw per call keeps the state simple to save). */
  normal(): number {
    const u = 1 - this.next()
    const v = this.next()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(items: T[] | Int32Array | Uint32Array): void {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const tmp = items[i]!
      items[i] = items[j]!
      items[j] = tmp
    }
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0
}
