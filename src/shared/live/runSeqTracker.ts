/** What a live message's sequence number says about what came before it. */
export type SeqVerdict = 'next' | 'stale' | 'gap'

/**
 * Follows one run's live message numbers (`runMessage.seq`): the next one is applied, an old one (already
 * covered by a read from the store) is skipped, a jump means messages were missed and must be read back.
 */
export class RunSeqTracker {
  constructor(private last = 0) {}

  get lastSeq(): number {
    return this.last
  }

  observe(seq: number): SeqVerdict {
    if (seq <= this.last) return 'stale'
    const verdict = seq === this.last + 1 ? 'next' : 'gap'
    this.last = seq
    return verdict
  }

  /** The host said `fromSeq..toSeq` were held back: from here on, count after them. */
  skipThrough(toSeq: number): void {
    this.last = Math.max(this.last, toSeq)
  }
}
