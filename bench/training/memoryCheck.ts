import * as tf from '@tensorflow/tfjs-core'
import { median } from './stats'
import { TrainerSubject, type BenchCase, type ChaseCadence } from './trainerSubject'
import { benchConfig } from './trainerSubject'

export interface MemoryResult {
  readonly steps: number
  readonly secondsTotal: number
  readonly msPerStepMedian: number
  readonly maskUpdates: number
  readonly channelEvents: number
  /** tf.memory().numTensors after setup, before step 1, and after the last step. */
  readonly tensorsBefore: number
  readonly tensorsAfter: number
  /** After disposing the run's parameters, optimizer and engine, against before creating them. */
  readonly tensorsBeforeSetup: number
  readonly tensorsAfterDispose: number
  readonly bytesBeforeSetup: number
  readonly bytesAfterDispose: number
  readonly bytesBefore: number
  readonly bytesAfter: number
  /** High-water of tf.memory().numBytes inside a step (tf.profile on every `profileEvery`-th step). */
  readonly peakBytesInStep: number
  /** Highest tf.memory().numBytes seen between steps. */
  readonly peakBytesBetweenSteps: number
  readonly rssBefore: number
  readonly rssAfter: number
  /** Highest RSS sampled after a step. */
  readonly rssPeakSampled: number
  /** The process's RSS high-water (getrusage) when the check ended. */
  readonly maxRss: number
  /** The WebAssembly heap (grows, never shrinks): where tfjs-wasm keeps tensor data. */
  readonly wasmHeapBefore: number | null
  readonly wasmHeapAfter: number | null
}

/**
 * Trains `steps` Chase steps (updates and channel events included) of one small case and watches memory:
 * the number of live tensors must be the same before and after, or something leaks per step.
 */
export async function memoryCheck(
  c: BenchCase,
  cadence: ChaseCadence,
  steps: number,
  profileEvery = 50,
): Promise<MemoryResult> {
  const tensorsBeforeSetup = tf.memory().numTensors
  const bytesBeforeSetup = tf.memory().numBytes
  const subject = TrainerSubject.create(c, benchConfig(c, 'chase', cadence), cadence)
  const tensorsBefore = tf.memory().numTensors
  const bytesBefore = tf.memory().numBytes
  const rssBefore = process.memoryUsage().rss
  const wasmHeapBefore = wasmHeapBytes()
  let peakBytesInStep = 0
  let peakBytesBetweenSteps = bytesBefore
  let rssPeakSampled = rssBefore
  let maskUpdates = 0
  let channelEvents = 0
  const times: number[] = []
  const started = performance.now()
  for (let step = 1; step <= steps; step++) {
    let timing
    if (step % profileEvery === 0) {
      const profile = await tf.profile(async () => {
        timing = await subject.step(step)
      })
      peakBytesInStep = Math.max(peakBytesInStep, profile.peakBytes)
    } else {
      timing = await subject.step(step)
    }
    times.push(timing!.totalMs)
    if (timing!.maskUpdate) maskUpdates++
    if (timing!.channelEvent) channelEvents++
    peakBytesBetweenSteps = Math.max(peakBytesBetweenSteps, tf.memory().numBytes)
    rssPeakSampled = Math.max(rssPeakSampled, process.memoryUsage().rss)
  }
  const secondsTotal = (performance.now() - started) / 1000
  const tensorsAfter = tf.memory().numTensors
  const bytesAfter = tf.memory().numBytes
  const rssAfter = process.memoryUsage().rss
  const wasmHeapAfter = wasmHeapBytes()
  subject.dispose()
  return {
    steps,
    secondsTotal,
    msPerStepMedian: median(times),
    maskUpdates,
    channelEvents,
    tensorsBefore,
    tensorsAfter,
    tensorsBeforeSetup,
    tensorsAfterDispose: tf.memory().numTensors,
    bytesBeforeSetup,
    bytesAfterDispose: tf.memory().numBytes,
    bytesBefore,
    bytesAfter,
    peakBytesInStep,
    peakBytesBetweenSteps,
    rssBefore,
    rssAfter,
    rssPeakSampled,
    maxRss: maxRssBytes(),
    wasmHeapBefore,
    wasmHeapAfter,
  }
}

/** getrusage's maxrss is in kilobytes on Linux. */
export function maxRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024
}

/** Size of the wasm backend's linear memory, or null on another backend. */
export function wasmHeapBytes(): number | null {
  const backend = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }
  return backend.wasm?.HEAPU8?.byteLength ?? null
}
