import * as tf from '@tensorflow/tfjs-core'
import * as ort from 'onnxruntime-node'
import { nchw, onnxModel } from '../../shared/export/onnxModel'
import type { StoredWeights } from '../../shared/export/torchLayout'
import type { ModelSpec } from '../../shared/models/modelSpec'
import type { BenchRuntime } from '../../shared/protocol/trainerMessages'
import type { ModelParams } from '../model/parameters'

/** Execution providers tried besides the CPU one, in order; each needs its own ONNX Runtime libraries. */
const gpuProviders = [{ provider: 'cuda', runtime: 'onnxruntime-cuda' }] as const
/** The CUDA provider's libraries are too large for npm; the package's install script fetches them on request. */
const hint =
  'online, for CUDA 12: node node_modules/onnxruntime-node/script/install --onnxruntime-node-install=cuda12'

export interface OrtNetwork {
  readonly runtime: BenchRuntime
  readonly session: ort.InferenceSession
  readonly inputName: string
}

export interface OrtContenders {
  readonly version: string
  /** Per provider: the dense and the slimmed session. */
  readonly pairs: { runtime: BenchRuntime; provider: string; dense: OrtNetwork; slimmed: OrtNetwork }[]
  /** Why a provider is not timed (absent libraries, no device), for the record. */
  readonly notes: string[]
  release(): Promise<void>
}

interface Contender {
  readonly spec: ModelSpec
  readonly params: ModelParams
}

/**
 * The two networks the tfjs benchmark times, exported to ONNX in memory (the same builder as
 * `runs export --format onnx`) and loaded into ONNX Runtime: the CPU provider always, a GPU provider
 * where this machine's ONNX Runtime has it. A GPU provider that cannot start is a note, not a failure.
 */
export async function onnxRuntimeContenders(dense: Contender, slimmed: Contender): Promise<OrtContenders> {
  // A provider whose libraries are missing throws, and the bench notes why; ORT's own log would repeat it on stderr.
  ort.env.logLevel = 'fatal'
  const models = { dense: toOnnx(dense), slimmed: toOnnx(slimmed) }
  const notes: string[] = []
  const pairs: OrtContenders['pairs'] = []
  const open = async (runtime: BenchRuntime, provider: string) => {
    const session = async (bytes: Uint8Array): Promise<OrtNetwork> => {
      // Severity 4 (fatal): a provider whose libraries are missing is reported in the notes, not on stderr.
      const s = await ort.InferenceSession.create(bytes, {
        executionProviders: [provider],
        logSeverityLevel: 4,
      })
      return { runtime, session: s, inputName: s.inputNames[0]! }
    }
    pairs.push({
      runtime,
      provider,
      dense: await session(models.dense),
      slimmed: await session(models.slimmed),
    })
  }
  await open('onnxruntime-cpu', 'cpu')
  const listed = new Set(ort.listSupportedBackends().map((b) => b.name))
  for (const { provider, runtime } of gpuProviders) {
    if (!listed.has(provider)) {
      notes.push(`${provider}: not in this ONNX Runtime build`)
      continue
    }
    try {
      await open(runtime, provider)
    } catch (error) {
      notes.push(`${provider}: ${(error as Error).message.split('\n')[0]} (${hint})`)
    }
  }
  return {
    version: ort.env.versions.node ?? ort.env.versions.common,
    pairs,
    notes,
    release: async () => {
      for (const pair of pairs) {
        await pair.dense.session.release()
        await pair.slimmed.session.release()
      }
    },
  }
}

/** One timed inference, reading the logits back (what a user waits for). */
export async function timeOrt(network: OrtNetwork, input: ort.Tensor): Promise<number> {
  const start = performance.now()
  const outputs = await network.session.run({ [network.inputName]: input })
  void (outputs.logits!.data as Float32Array)[0]
  return performance.now() - start
}

/** The benchmark's NHWC batch as the NCHW tensor the ONNX graph takes (same values). */
export function ortInput(x: tf.Tensor): ort.Tensor {
  const [n, ...image] = x.shape
  const data = x.dataSync() as Float32Array
  if (image.length !== 3) return new ort.Tensor('float32', Float32Array.from(data), [n!, ...image])
  const [h, w, c] = image as [number, number, number]
  const out = new Float32Array(data.length)
  for (let b = 0; b < n!; b++)
    for (let y = 0; y < h; y++)
      for (let i = 0; i < w; i++)
        for (let ch = 0; ch < c; ch++)
          out[((b * c + ch) * h + y) * w + i] = data[((b * h + y) * w + i) * c + ch]!
  return new ort.Tensor('float32', out, [n!, ...nchw(image)])
}

function toOnnx({ spec, params }: Contender): Uint8Array {
  const weights = new Map<string, StoredWeights>()
  for (const [name, variable] of params)
    weights.set(name, { shape: variable.shape, data: Float32Array.from(variable.dataSync() as Float32Array) })
  return onnxModel(spec, weights, null)
}
