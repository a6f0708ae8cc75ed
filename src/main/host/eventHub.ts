import type { PushEvent } from '../../shared/api/pushEvents'

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

  hasSubscribers(runId: string): boolean {
    for (const { session } of this.clients) if (session.subscribedRuns.has(runId)) return true
    return false
  }
}
