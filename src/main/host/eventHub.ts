import type { PushEvent } from '../../shared/api/pushEvents'
import type { RunId } from '../../shared/api/runRecords'
import type { TrainerToHost } from '../../shared/protocol/trainerMessages'

/** One connected client (a window, a WebSocket, the CLI): what it hears and which runs it follows. */
export interface ClientSession {
  readonly subscribedRuns: Set<string>
  close(): void
}

/**
 * Fans host events out to clients: run and bench changes go to everyone, a trainer's messages only to
 * the clients subscribed to that run.
 */
export class EventHub {
  private readonly clients = new Set<{ session: ClientSession; deliver: (event: PushEvent) => void }>()
  private readonly runSeqs = new Map<string, number>()

  connect(deliver: (event: PushEvent) => void): ClientSession {
    const session: ClientSession = {
      subscribedRuns: new Set(),
      close: () => this.clients.delete(entry),
    }
    const entry = { session, deliver }
    this.clients.add(entry)
    return session
  }

  publish(event: PushEvent): void {
    for (const { session, deliver } of this.clients) {
      if (event.type === 'runMessage' && !session.subscribedRuns.has(event.runId)) continue
      try {
        deliver(event)
      } catch {
        // A client that cannot take an event (closed socket) must not stop the others from getting it.
      }
    }
  }

  /** Numbers the run's message (so a client can see a gap) and sends it to the run's subscribers. */
  publishRunMessage(runId: RunId, message: TrainerToHost): void {
    const seq = this.lastSeq(runId) + 1
    this.runSeqs.set(runId, seq)
    this.publish({ type: 'runMessage', runId, seq, message })
  }

  /** The number of the run's last published message (0 before the first). */
  lastSeq(runId: string): number {
    return this.runSeqs.get(runId) ?? 0
  }

  hasSubscribers(runId: string): boolean {
    for (const { session } of this.clients) if (session.subscribedRuns.has(runId)) return true
    return false
  }
}
