/**
 * Pause, resume and stop requests from the host, honoured at step boundaries: the loop awaits
 * `boundary()` between steps, which returns at once while running, waits while paused, and reports a
 * stop so the loop can checkpoint and exit cleanly.
 */
export class RunControl {
  private paused = false
  private stopping = false
  private wake: (() => void) | undefined

  pause(): void {
    this.paused = true
  }

  resume(): void {
    this.paused = false
    this.wake?.()
  }

  stop(): void {
    this.stopping = true
    this.wake?.()
  }

  get stopRequested(): boolean {
    return this.stopping
  }

  /**
   * Yields to the event loop (so host messages are read even though steps are synchronous) and holds
   * while paused. Resolves to 'stop' when the run should end here.
   */
  async boundary(onPause: () => void, onResume: () => void): Promise<'continue' | 'stop'> {
    await new Promise<void>((resolve) => setImmediate(resolve))
    if (this.paused && !this.stopping) {
      onPause()
      while (this.paused && !this.stopping) await new Promise<void>((resolve) => (this.wake = resolve))
      this.wake = undefined
      if (!this.stopping) onResume()
    }
    return this.stopping ? 'stop' : 'continue'
  }
}
