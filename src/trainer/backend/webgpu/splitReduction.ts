import type { TensorInfo } from '@tensorflow/tfjs-core'
import { flatProgram, mainWithIndex, type WebgpuBackendLike } from './webgpuProgram'

/**
 * The later passes of our split reductions. A first pass (per kernel) leaves one partial result per
 * chunk of rows, laid out [chunks, width]; these add them up, at most `chunksPerThread` per thread and
 * level, so no thread loops over thousands of chunks (a VGG layer's batch norm at batch 128 has 2,048):
 * a lone thread adding a long chain waits on one load after another, on any GPU. Barrier-free, so they
 * run the same everywhere.
 */
export const chunksPerThread = 64

/**
 * How rows (positions, for a filter gradient) are split into chunks for a first pass. tfjs' filter
 * gradient gives each filter element one thread over every position: a first VGG layer's 1728 threads
 * each loop over 131k positions, too few threads for a GPU and for SwiftShader's cores alike. Mutable so
 * tests can force uneven chunks on small shapes. `targetThreads`: enough to fill a large GPU.
 * `minChunkLength`: keeps the later passes (which read chunks × outputs) small next to the first.
 */
export const reductionSplit = { targetThreads: 65_536, minChunkLength: 64 }

export interface ChunkPlan {
  chunks: number
  /** Rows per chunk; the last chunk holds the rest. */
  chunkLength: number
}

/** Enough chunks for `targetThreads` threads in all, none shorter than `minChunkLength` rows. */
export function chunkPlan(
  rows: number,
  threadsPerChunk: number,
  split: typeof reductionSplit = reductionSplit,
): ChunkPlan {
  const wanted = Math.ceil(split.targetThreads / threadsPerChunk)
  const most = Math.max(1, Math.floor(rows / split.minChunkLength))
  const chunkLength = Math.ceil(rows / Math.max(1, Math.min(wanted, most)))
  return { chunks: Math.ceil(rows / chunkLength), chunkLength }
}

/** Levels of `chunksPerThread` needed to bring `chunks` partials down to `target` or fewer. */
export function mergeLevels(chunks: number, target = 1): number {
  let levels = 0
  for (let left = chunks; left > target; left = Math.ceil(left / chunksPerThread)) levels++
  return levels
}

/** Thread (k, i) of a level: element i of group k, which holds chunks first…end. */
export const levelThread = `
    let k = index / uniforms.width;
    let i = index - k * uniforms.width;
    let first = k * ${chunksPerThread};
    let end = min(first + ${chunksPerThread}, uniforms.chunks);`

const levelSums = (type: 'f32' | 'vec4<f32>') => `
  ${mainWithIndex} {
    if (index < uniforms.size) {${levelThread}
      var sum = ${type}(0.0);
      for (var chunk = first; chunk < end; chunk++) {
        sum = sum + partials[chunk * uniforms.width + i];
      }
      setOutputAtIndex(index, sum);
    }
  }
`

/**
 * Σ over the chunks of `partials` ([chunks, …] floats, `width` vectors of `component` per chunk), shaped
 * `outputShape`. Disposes what it makes along the way, and `partials` too.
 */
export function sumChunks(
  backend: WebgpuBackendLike,
  partials: TensorInfo,
  chunks: number,
  options: { component: 1 | 4; outputShape: number[] },
): TensorInfo {
  const width = options.outputShape.reduce((a, b) => a * b, 1) / options.component
  let level = partials
  for (let left = chunks; left > 1;) {
    const groups = Math.ceil(left / chunksPerThread)
    const { program, uniformData } = flatProgram({
      shaderKey: `chaseSumChunks${options.component}`,
      variableNames: ['partials'],
      outputShape: groups === 1 ? options.outputShape : [groups, width * options.component],
      outputComponent: options.component,
      uniforms: { width, chunks: left },
      body: levelSums(options.component === 4 ? 'vec4<f32>' : 'f32'),
    })
    const next = backend.runWebGPUProgram(program, [level], 'float32', uniformData)
    backend.disposeData(level.dataId)
    level = next
    left = groups
  }
  return chunks === 1 ? { ...level, shape: options.outputShape } : level
}
