import { HostToTrainer, type ParentPort, type TrainerToHost } from '../../shared/protocol/trainerMessages'

interface ElectronParentPort {
  postMessage(message: unknown): void
  on(event: 'message', listener: (event: { data: unknown }) => void): void
}

/**
 * The trainer's one link to its host: Electron's `process.parentPort` in a utility process, Node's IPC
 * channel (`process.send`) in a forked child. Messages from the host are validated here; a malformed one
 * is reported back and dropped.
 */
export interface TrainerPort extends ParentPort {
  /** Resolves once every message sent so far has left the process (call before exiting). */
  drain(): Promise<void>
}

export function connectParentPort(): TrainerPort {
  const electronPort = (process as NodeJS.Process & { parentPort?: ElectronParentPort }).parentPort
  let send: (message: TrainerToHost) => void
  let subscribe: (deliver: (raw: unknown) => void) => void
  let pending = 0
  const drained: (() => void)[] = []
  if (electronPort) {
    send = (message) => electronPort.postMessage(message)
    subscribe = (deliver) => electronPort.on('message', (event) => deliver(event.data))
  } else if (process.send) {
    // Node's IPC sends asynchronously: count messages in flight so `drain` can wait for them.
    send = (message) => {
      pending++
      process.send!(message, undefined, undefined, () => {
        pending--
        if (pending === 0) for (const resolve of drained.splice(0)) resolve()
      })
    }
    subscribe = (deliver) => process.on('message', deliver)
  } else {
    throw new Error('The trainer must be started by the workbench host (it has no parent port to talk to).')
  }
  return {
    postMessage: send,
    drain: () => (pending === 0 ? Promise.resolve() : new Promise<void>((resolve) => drained.push(resolve))),
    onMessage(listener) {
      subscribe((raw) => {
        const parsed = HostToTrainer.safeParse(raw)
        if (parsed.success) listener(parsed.data)
        else
          send({
            type: 'log',
            level: 'error',
            message: `ignored a malformed host message: ${parsed.error.message}`,
          })
      })
    },
  }
}
