import { WebSocket } from 'ws'
import { createWorkbenchClient, type RunId, type WorkbenchClient } from '../../src/shared/api'
import { RunFeed } from '../../src/shared/live/runFeed'
import type { TrainerToHost } from '../../src/shared/protocol/trainerMessages'
import {
  createWebSocketTransport,
  type WebSocketClass,
  type WebSocketTransport,
} from '../../src/renderer/api/websocketTransport'

/**
 * `ws` with a browser's limits: no 100 MiB cap on a message (the old one-answer load of a dense run is
 * bigger, which is the point of measuring it), and errors reported through `close` as a page sees them.
 */
class BrowserLikeWebSocket extends WebSocket {
  constructor(url: string) {
    super(url, { maxPayload: 2 ** 31 })
    this.on('error', () => undefined)
  }
}

/** The renderer's WebSocket transport and client, on Node's `ws`. */
export function connectClient(url: string): { client: WorkbenchClient; transport: WebSocketTransport } {
  const transport = createWebSocketTransport({
    url,
    timeoutMs: 300_000,
    WebSocketImpl: BrowserLikeWebSocket as unknown as WebSocketClass,
  })
  return { client: createWorkbenchClient(transport), transport }
}

export interface TimedFeed {
  readonly feed: RunFeed
  /** Milliseconds from opening to the curves, to live, to every stored snapshot. */
  readonly curvesMs: Promise<number>
  readonly completeMs: Promise<number>
  readonly messages: TrainerToHost[]
  close(): void
}

/** Opens a run the way the dashboard does (same `RunFeed`, same event kinds) and times its stages. */
export function openFeed(
  client: WorkbenchClient,
  runId: string,
  onMessage?: (m: TrainerToHost) => void,
): TimedFeed {
  const started = performance.now()
  const messages: TrainerToHost[] = []
  let curves!: (ms: number) => void
  const curvesMs = new Promise<number>((resolve) => (curves = resolve))
  const feed = new RunFeed({
    client,
    runId: runId as RunId,
    eventKinds: ['status', 'backend', 'phase', 'channelEvent', 'maskUpdate', 'log', 'done', 'failed'],
    onRun: () => undefined,
    onMessage: (m) => {
      messages.push(m)
      onMessage?.(m)
    },
    onHistoryEvent: () => undefined,
    onChange: (stage) => stage === 'curves' && curves(performance.now() - started),
  })
  const stop = client.onEvent((event) => feed.push(event))
  const completeMs = feed.start().then(() => performance.now() - started)
  return {
    feed,
    curvesMs,
    completeMs,
    messages,
    close: () => {
      stop()
      feed.close()
    },
  }
}
