/**
 * The trainer process: one run (or one benchmark) per process, started by the host's supervisor as an
 * Electron utility process or a Node child. It speaks only the protocol of src/shared/protocol.
 */
import { runInferenceBench } from './bench/inferenceBench'
import { EventEmitter } from './runtime/eventEmitter'
import { connectParentPort } from './runtime/parentPort'
import { describeFailure } from './runtime/trainerFailure'
import { RunControl } from './training/runControl'
import { runTraining } from './training/runTraining'
import { stopWebgpuBackend } from './backend/webgpuBackend'

const port = connectParentPort()
const emitter = new EventEmitter(port)
const control = new RunControl()
let busy = false

port.onMessage((message) => {
  switch (message.type) {
    case 'pause':
      control.pause()
      return
    case 'resume':
      control.resume()
      return
    case 'stop':
      if (!busy) void finish(0)
      control.stop()
      return
    case 'start':
    case 'bench':
      if (busy) {
        emitter.send({
          type: 'log',
          level: 'error',
          message: `ignored "${message.type}": this trainer is already busy`,
        })
        return
      }
      busy = true
      void (
        message.type === 'start'
          ? runTraining(message, emitter, control).then(() => finish(0))
          : runInferenceBench(message.request).then(async (result) => {
              emitter.send({ type: 'benchDone', benchId: message.benchId, result })
              await finish(0)
            })
      ).catch(async (error: unknown) => {
        emitter.send(describeFailure(error))
        await finish(1)
      })
  }
})

// A host that dies (even by SIGKILL) closes the IPC channel: stop rather than train as an orphan; the
// run resumes from its last checkpoint once the host marks it interrupted.
process.on('disconnect', () => process.exit(2))

emitter.send({ type: 'ready', pid: process.pid, node: process.version })

async function finish(code: number): Promise<void> {
  // Hand the GPU back (buffers and device) before the process goes, rather than leaving it to the driver.
  stopWebgpuBackend()
  emitter.flush()
  await port.drain()
  process.exit(code)
}
