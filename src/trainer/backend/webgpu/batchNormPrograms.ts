import { util, type TensorInfo } from '@tensorflow/tfjs-core'
import { chunkPlan, chunksPerThread, levelThread, sumChunks, type ChunkPlan } from './splitReduction'
import {
  flatProgram,
  mainWithIndex,
  type ProgramUniforms,
  type WebgpuBackendLike,
  type WebgpuProgram,
} from './webgpuProgram'

/**
 * The programs of training-mode batch normalisation on webgpu (`ops/batchNormTraining.ts` says what it
 * computes; `kernels/ChaseBatchNormTraining*.ts` run them). NHWC `x` is read as [rows, C], four channels
 * per thread where C divides by 4. Per-channel statistics are split reductions: a first pass sums a chunk
 * of rows per (chunk, channel group), later ones add the chunks, at most 64 per thread and level
 * (`splitReduction.ts`; barrier-free, as Conv2DBackpropFilter). Forward: 5 programs; backward: 5; one
 * more each per level past the first (a VGG layer at batch 128 has 2,048 chunks: one). tfjs' composite
 * takes about a dozen forward and two dozen backward.
 */
export interface BatchNormLayout {
  readonly channels: number
  readonly rows: number
  /** Channels per thread and per vector read: 4 where C divides by 4. */
  readonly component: 1 | 4
  /** Vectors per row (C / component). */
  readonly groups: number
  readonly type: 'f32' | 'vec4<f32>'
  readonly chunks: ChunkPlan
}

export function batchNormLayout(x: TensorInfo): BatchNormLayout {
  const channels = x.shape[x.shape.length - 1]!
  const rows = util.sizeFromShape(x.shape) / channels
  const component = channels % 4 === 0 ? 4 : 1
  const groups = channels / component
  return {
    channels,
    rows,
    component,
    groups,
    type: component === 4 ? 'vec4<f32>' : 'f32',
    chunks: chunkPlan(rows, groups),
  }
}

/** A tensor read as `shape` (a view: same data). */
const as = (t: TensorInfo, shape: number[]): TensorInfo => ({ ...t, shape })

/** Runs a flat program and returns its output. */
function run(
  backend: WebgpuBackendLike,
  made: { program: WebgpuProgram; uniformData: ProgramUniforms },
  inputs: TensorInfo[],
): TensorInfo {
  return backend.runWebGPUProgram(made.program, inputs, 'float32', made.uniformData)
}

/** The uniforms every chunked pass and merge reads. */
const chunkUniforms = (l: BatchNormLayout) => ({
  rows: l.rows,
  groups: l.groups,
  chunkLength: l.chunks.chunkLength,
})

// Thread (chunk, g) of a first pass: its rows, first…end, and channel group g.
const chunkThread = `
    let chunk = index / uniforms.groups;
    let g = index - chunk * uniforms.groups;
    let first = chunk * uniforms.chunkLength;
    let end = min(first + uniforms.chunkLength, uniforms.rows);`

/** The normalised value (before any ReLU) of an x value of channel group `g`: one expression for both passes, so the ReLU mask is the same. */
const normalised = (l: BatchNormLayout) => `
  fn normalised(xValue : ${l.type}, g : i32) -> ${l.type} {
    return (xValue - saved[g]) * (gamma[g] * saved[uniforms.groups + g]) + beta[g];
  }`

/**
 * Chan et al.'s pairwise update, in float32: partials j = first…end−1 of channel group g, each a sum and
 * the squared deviations from its own mean over `uniforms.length` rows (the last one over the rest),
 * merged into one. As exact as two passes over all of x, in one.
 */
const chanMerge = (l: BatchNormLayout) => `
  struct Moments { sum : ${l.type}, mean : ${l.type}, squares : ${l.type} }
  fn merged(g : i32, first : i32, end : i32) -> Moments {
    var n = 0.0;
    var sum = ${l.type}(0.0);
    var mean = ${l.type}(0.0);
    var squares = ${l.type}(0.0);
    for (var j = first; j < end; j++) {
      let count = f32(min(uniforms.length, uniforms.rows - j * uniforms.length));
      let partSum = partials[(2 * j) * uniforms.groups + g];
      let total = n + count;
      let delta = partSum / count - mean;
      mean = mean + delta * (count / total);
      squares = squares + partials[(2 * j + 1) * uniforms.groups + g] + delta * delta * (n * count / total);
      sum = sum + partSum;
      n = total;
    }
    return Moments(sum, mean, squares);
  }`

/**
 * Merges [chunks, 2, C] moment partials (sum, squared deviations) over `length` rows each down to at
 * most `chunksPerThread`, a level at a time. Returns the partials left, their count and their length;
 * disposes the ones it replaced.
 */
function mergeMomentLevels(
  backend: WebgpuBackendLike,
  l: BatchNormLayout,
  first: TensorInfo,
): { partials: TensorInfo; chunks: number; length: number } {
  let [partials, chunks, length] = [first, l.chunks.chunks, l.chunks.chunkLength]
  while (chunks > chunksPerThread) {
    const groups = Math.ceil(chunks / chunksPerThread)
    const next = run(
      backend,
      flatProgram({
        shaderKey: `chaseBnMomentLevel${l.component}`,
        variableNames: ['partials'],
        outputShape: [groups, 2, l.channels],
        outputComponent: l.component,
        threads: groups * l.groups,
        uniforms: {
          threads: groups * l.groups,
          width: l.groups,
          groups: l.groups,
          chunks,
          length,
          rows: l.rows,
        },
        body: `${chanMerge(l)}
        ${mainWithIndex} {
          if (index < uniforms.threads) {${levelThread}
            let m = merged(i, first, end);
            setOutputAtIndex((2 * k) * uniforms.groups + i, m.sum);
            setOutputAtIndex((2 * k + 1) * uniforms.groups + i, m.squares);
          }
        }`,
      }),
      [partials],
    )
    backend.disposeData(partials.dataId)
    ;[partials, chunks, length] = [next, groups, length * chunksPerThread]
  }
  return { partials, chunks, length }
}

export interface ForwardOutputs {
  readonly y: TensorInfo
  /** Batch mean of x + bias, and biased variance (for the running statistics). */
  readonly mean: TensorInfo
  readonly variance: TensorInfo
  /** [mean of x, 1/√(variance + ε)] per channel, for the backward pass. */
  readonly saved: TensorInfo
}

export function batchNormForward(
  backend: WebgpuBackendLike,
  inputs: { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo; bias?: TensorInfo },
  options: { epsilon: number; relu: boolean },
): ForwardOutputs {
  const l = batchNormLayout(inputs.x)
  const c = l.component
  const x = as(inputs.x, [l.rows, l.channels])
  // Pass 1: per (chunk, g), the chunk's sum and its squared deviations from its own mean.
  const parts = run(
    backend,
    flatProgram({
      shaderKey: `chaseBnMomentParts${c}`,
      variableNames: ['x'],
      outputShape: [l.chunks.chunks, 2, l.channels],
      outputComponent: c,
      threads: l.chunks.chunks * l.groups,
      uniforms: { threads: l.chunks.chunks * l.groups, ...chunkUniforms(l) },
      body: `${mainWithIndex} {
        if (index < uniforms.threads) {${chunkThread}
          var sum = ${l.type}(0.0);
          for (var r = first; r < end; r++) {
            sum = sum + x[r * uniforms.groups + g];
          }
          let center = sum / f32(end - first);
          var squares = ${l.type}(0.0);
          for (var r = first; r < end; r++) {
            let d = x[r * uniforms.groups + g] - center;
            squares = squares + d * d;
          }
          setOutputAtIndex((2 * chunk) * uniforms.groups + g, sum);
          setOutputAtIndex((2 * chunk + 1) * uniforms.groups + g, squares);
        }
      }`,
    }),
    [x],
  )
  // Pass 2: levels of at most 64 partials per thread, then three small programs (one output each),
  // each merging what is left for its channels.
  const left = mergeMomentLevels(backend, l, parts)
  const merge = (what: 'saved' | 'mean' | 'variance', outputShape: number[], extra: TensorInfo[]) =>
    run(
      backend,
      flatProgram({
        shaderKey: `chaseBnMoments${c}${what}${extra.length}`,
        variableNames: ['partials', ...(extra.length > 0 ? ['bias'] : [])],
        outputShape,
        outputComponent: c,
        uniforms: { groups: l.groups, chunks: left.chunks, length: left.length, rows: l.rows },
        floatUniforms: { epsilon: options.epsilon },
        body: `${chanMerge(l)}
        ${mainWithIndex} {
          if (index < uniforms.size) {
            let g = index % uniforms.groups;
            let m = merged(g, 0, uniforms.chunks);
            ${
              what === 'saved'
                ? `if (index < uniforms.groups) {
                     setOutputAtIndex(index, m.mean);
                   } else {
                     setOutputAtIndex(index, 1.0 / sqrt(m.squares / f32(uniforms.rows) + uniforms.epsilon));
                   }`
                : what === 'mean'
                  ? `setOutputAtIndex(index, m.mean${extra.length > 0 ? ' + bias[g]' : ''});`
                  : 'setOutputAtIndex(index, m.squares / f32(uniforms.rows));'
            }
          }
        }`,
      }),
      [left.partials, ...extra],
    )
  const saved = merge('saved', [2 * l.channels], [])
  const mean = merge('mean', [l.channels], inputs.bias === undefined ? [] : [inputs.bias])
  const variance = merge('variance', [l.channels], [])
  backend.disposeData(left.partials.dataId)
  // y = ReLU?((x − mean)·γ·invStd + β): the bias shifts x and its mean alike, so it cancels.
  const y = run(
    backend,
    flatProgram({
      shaderKey: `chaseBnNormalize${c}${options.relu}`,
      variableNames: ['x', 'saved', 'gamma', 'beta'],
      outputShape: [l.rows, l.channels],
      outputComponent: c,
      uniforms: { groups: l.groups },
      body: `${normalised(l)}
      ${mainWithIndex} {
        if (index < uniforms.size) {
          let y = normalised(x[index], index % uniforms.groups);
          setOutputAtIndex(index, ${options.relu ? `max(y, ${l.type}(0.0))` : 'y'});
        }
      }`,
    }),
    [x, saved, inputs.gamma, inputs.beta],
  )
  return { y: as(y, [...inputs.x.shape]), mean, variance, saved }
}

export interface BackwardOutputs {
  readonly dx: TensorInfo
  readonly dGamma: TensorInfo
  readonly dBeta: TensorInfo
}

/**
 * dx, dγ, dβ from the forward pass's `saved`: with g = dy (0 where a folded ReLU was off),
 * dβ = Σg, dγ = Σg·(x − mean)·invStd, dx = γ·invStd·(g − Σg/n − (x − mean)·invStd·dγ/n).
 */
export function batchNormBackward(
  backend: WebgpuBackendLike,
  inputs: { dy: TensorInfo; x: TensorInfo; gamma: TensorInfo; beta: TensorInfo; saved: TensorInfo },
  options: { relu: boolean },
): BackwardOutputs {
  const l = batchNormLayout(inputs.x)
  const c = l.component
  const [x, dy] = [as(inputs.x, [l.rows, l.channels]), as(inputs.dy, [l.rows, l.channels])]
  const { saved, gamma, beta } = inputs
  // A layout made from the shader leaves out the variables it never reads: γ and β are bound only where
  // the ReLU mask is recomputed.
  const reluVariables = options.relu ? ['gamma', 'beta'] : []
  const reluInputs = options.relu ? [gamma, beta] : []
  const reluHelper = options.relu ? normalised(l) : ''
  // The gradient reaching the normalisation: dy where the ReLU passed it.
  const gradient = options.relu
    ? `select(${l.type}(0.0), dy[at], normalised(x[at], g) > ${l.type}(0.0))`
    : 'dy[at]'
  // Pass 1: per (chunk, g), Σg and Σg·(x − mean) over the chunk.
  const partials = run(
    backend,
    flatProgram({
      shaderKey: `chaseBnGradientParts${c}${options.relu}`,
      variableNames: ['dy', 'x', 'saved', ...reluVariables],
      outputShape: [l.chunks.chunks, 2, l.channels],
      outputComponent: c,
      threads: l.chunks.chunks * l.groups,
      uniforms: { threads: l.chunks.chunks * l.groups, ...chunkUniforms(l) },
      body: `${reluHelper}
      ${mainWithIndex} {
        if (index < uniforms.threads) {${chunkThread}
          var sum = ${l.type}(0.0);
          var product = ${l.type}(0.0);
          for (var r = first; r < end; r++) {
            let at = r * uniforms.groups + g;
            let gradient = ${gradient};
            sum = sum + gradient;
            product = product + gradient * (x[at] - saved[g]);
          }
          setOutputAtIndex((2 * chunk) * uniforms.groups + g, sum);
          setOutputAtIndex((2 * chunk + 1) * uniforms.groups + g, product);
        }
      }`,
    }),
    [dy, x, saved, ...reluInputs],
  )
  // Pass 2: [Σg, Σg·(x − mean)] per channel.
  const sums = sumChunks(backend, partials, l.chunks.chunks, { component: c, outputShape: [2, l.channels] })
  const parameterGradient = (which: 0 | 1) =>
    run(
      backend,
      flatProgram({
        shaderKey: `chaseBnParameterGradient${c}${which}`,
        variableNames: which === 0 ? ['sums'] : ['sums', 'saved'],
        outputShape: [l.channels],
        outputComponent: c,
        uniforms: { groups: l.groups },
        body: `${mainWithIndex} {
          if (index < uniforms.size) {
            setOutputAtIndex(index, ${which === 0 ? 'sums[index]' : 'sums[uniforms.groups + index] * saved[uniforms.groups + index]'});
          }
        }`,
      }),
      which === 0 ? [sums] : [sums, saved],
    )
  const dBeta = parameterGradient(0)
  const dGamma = parameterGradient(1)
  const dx = run(
    backend,
    flatProgram({
      shaderKey: `chaseBnInputGradient${c}${options.relu}`,
      variableNames: ['dy', 'x', 'saved', 'gamma', 'sums', ...(options.relu ? ['beta'] : [])],
      outputShape: [l.rows, l.channels],
      outputComponent: c,
      uniforms: { groups: l.groups, rows: l.rows },
      body: `${reluHelper}
      ${mainWithIndex} {
        if (index < uniforms.size) {
          let at = index;
          let g = index % uniforms.groups;
          let invStd = saved[uniforms.groups + g];
          let n = f32(uniforms.rows);
          let meanGradient = sums[g] / n;
          let k = invStd * invStd * sums[uniforms.groups + g] / n;
          let gradient = ${gradient};
          setOutputAtIndex(index, gamma[g] * invStd * (gradient - meanGradient - k * (x[at] - saved[g])));
        }
      }`,
    }),
    [dy, x, saved, gamma, sums, ...(options.relu ? [beta] : [])],
  )
  backend.disposeData(sums.dataId)
  return { dx: as(dx, [...inputs.x.shape]), dGamma, dBeta }
}
