import type { PushEvent } from '../../shared/api/pushEvents'
import type { RunId } from '../../shared/api/runRecords'

export interface LiveGateOptions {
  /** Bytes queued on the connection and not yet sent. */
  readonly bufferedBytes: () => number
  readonly send: (event: PushEvent) => void
  /** Above this, a run's live messages are held back (the client is not keeping up). */
  readonly maxBufferedBytes: number
  /** How often a held-back connection is checked for having drained. */
  readonly pollMs?: number
}

export interface LiveGate {
  offer(event: PushEvent): void
  close(): void
}

/**
 * Backpressure for one client's live run messages that never loses one: while the connection has more
 * than `maxBufferedBytes` unsent, a run's messages are counted instead of queued; once it drains below
 * half of that, the client gets one `runGap` per run naming the held-back range, which it reads from the
 * store (the host wrote it there). So a slow client costs a read, not memory or data. Other events
 * (responses, run changes) always go through.
 */
export function createLiveGate(options: LiveGateOptions): LiveGate {
  const pollMs = options.pollMs ?? 50
  const held = new Map<RunId, { fromSeq: number; toSeq: number }>()
  let timer: ReturnType<typeof setInterval> | undefined

  const release = () => {
    if (options.bufferedBytes() > options.maxBufferedBytes / 2) return
    clearInterval(timer)
    timer = undefined
    for (const [runId, range] of held) options.send({ type: 'runGap', runId, ...range })
    held.clear()
  }

  return {
    offer(event) {
      if (event.type !== 'runMessage') {
        options.send(event)
        return
      }
      const range = held.get(event.runId)
      // Once a run is held, later messages wait too, so the client sees the gap before what follows it.
      if (range) {
        range.toSeq = event.seq
        return
      }
      if (options.bufferedBytes() <= options.maxBufferedBytes) {
        options.send(event)
        return
      }
      held.set(event.runId, { fromSeq: event.seq, toSeq: event.seq })
      timer ??= setInterval(release, pollMs)
      timer.unref?.()
    },
    close() {
      clearInterval(timer)
      timer = undefined
      held.clear()
    },
  }
}
