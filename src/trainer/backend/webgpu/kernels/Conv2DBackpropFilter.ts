import {
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type TensorInfo,
  type backend_util,
  util,
} from '@tensorflow/tfjs-core'
import { nhwcConvInfo } from '../nhwcConvInfo'
import { chunkPlan, sumChunks, type ChunkPlan } from '../splitReduction'
import { flatProgram, mainWithIndex, type WebgpuBackendLike } from '../webgpuProgram'
import type { WebgpuKernel } from '../webgpuKernel'

/** 1, or 4 channels per thread and vector (when they divide by 4). */
type Component = 1 | 4
const floatType = (c: Component) => (c === 4 ? 'vec4<f32>' : 'f32')
const fours = (channels: number): Component => (channels % 4 === 0 ? 4 : 1)

export interface FilterGradientPlan extends ChunkPlan {
  /** Output channels per thread, read from dy as one vector. */
  component: Component
  /** Input channels per thread, read from x as one vector. */
  rows: Component
}

/**
 * The chunks for a filter of `filterShape` (HWIO), each thread taking up to 4 input × 4 output channels:
 * 16 products per x and dy read, where tfjs' program does one. The index arithmetic around each product
 * is what SwiftShader spends its time on.
 */
export function filterGradientPlan(positions: number, filterShape: readonly number[]): FilterGradientPlan {
  const component = fours(filterShape[3]!)
  const rows = fours(filterShape[2]!)
  const threadsPerChunk = filterShape.reduce((a, b) => a * b, 1) / (component * rows)
  return { component, rows, ...chunkPlan(positions, threadsPerChunk) }
}

const rowNames = ['x', 'y', 'z', 'w']

// Pass 1: thread (chunk, f) sums x·dy over its chunk of positions for the filter elements of
// f = (wR, wC, q, g): input channels q·rows … +rows, output channel group g (of `component` channels).
// Neighbouring threads differ in g, so they read neighbouring dy values and the same x value.
const partialSums = (c: Component, rows: Component) => {
  const sums = Array.from({ length: rows }, (_, k) => k)
  return `
  ${mainWithIndex} {
    if (index < uniforms.threads) {
      let chunk = index / uniforms.threadsPerChunk;
      let f = index - chunk * uniforms.threadsPerChunk;
      let g = f % uniforms.outGroups;
      let q = (f / uniforms.outGroups) % uniforms.inGroups;
      let pixel = f / (uniforms.outGroups * uniforms.inGroups);
      let wC = pixel % uniforms.filterWidth;
      let wR = pixel / uniforms.filterWidth;
      let first = chunk * uniforms.chunkLength;
      let end = min(first + uniforms.chunkLength, uniforms.positions);
      // Stepping (b, yR, yC) along with p spares two divisions per position.
      let perImage = uniforms.outHeight * uniforms.outWidth;
      var b = first / perImage;
      var yR = (first % perImage) / uniforms.outWidth;
      var yC = first % uniforms.outWidth;
      ${sums.map((k) => `var sum${k} = ${floatType(c)}(0.0);`).join('\n      ')}
      for (var p = first; p < end; p++) {
        let xR = wR + yR * uniforms.strideHeight - uniforms.padTop;
        let xC = wC + yC * uniforms.strideWidth - uniforms.padLeft;
        if (xR >= 0 && xR < uniforms.inHeight && xC >= 0 && xC < uniforms.inWidth) {
          let xValue = x[((b * uniforms.inHeight + xR) * uniforms.inWidth + xC) * uniforms.inGroups + q];
          let dyValue = dy[p * uniforms.outGroups + g];
          ${sums.map((k) => `sum${k} = sum${k} + xValue${rows === 4 ? `.${rowNames[k]}` : ''} * dyValue;`).join('\n          ')}
        }
        yC = yC + 1;
        if (yC == uniforms.outWidth) {
          yC = 0;
          yR = yR + 1;
          if (yR == uniforms.outHeight) {
            yR = 0;
            b = b + 1;
          }
        }
      }
      let out = chunk * uniforms.filterSize + (pixel * uniforms.inGroups + q) * ${rows} * uniforms.outGroups + g;
      ${sums.map((k) => `setOutputAtIndex(out + ${k} * uniforms.outGroups, sum${k});`).join('\n      ')}
    }
  }
`
}

/** dW of an NHWC convolution as a split reduction (`splitReduction.ts`); every pass is barrier-free. */
export function filterGradient(
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
  backend: WebgpuBackendLike,
): TensorInfo {
  const positions = info.batchSize * info.outHeight * info.outWidth
  const filterShape = [info.filterHeight, info.filterWidth, info.inChannels, info.outChannels]
  const filterSize = filterShape.reduce((a, b) => a * b, 1)
  const plan = filterGradientPlan(positions, filterShape)
  const { component: c, rows } = plan
  const threadsPerChunk = filterSize / (c * rows)
  const first = flatProgram({
    shaderKey: `chaseConv2dFilterGradientPartials${c}x${rows}`,
    variableNames: ['x', 'dy'],
    outputShape: plan.chunks === 1 ? filterShape : [plan.chunks, filterSize],
    outputComponent: c,
    variableComponents: [rows, c],
    threads: plan.chunks * threadsPerChunk,
    uniforms: {
      threads: plan.chunks * threadsPerChunk,
      threadsPerChunk,
      filterSize: filterSize / c,
      inHeight: info.inHeight,
      inWidth: info.inWidth,
      inGroups: info.inChannels / rows,
      outHeight: info.outHeight,
      outWidth: info.outWidth,
      outGroups: info.outChannels / c,
      filterWidth: info.filterWidth,
      strideHeight: info.strideHeight,
      strideWidth: info.strideWidth,
      padTop: info.padInfo.top,
      padLeft: info.padInfo.left,
      positions,
      chunkLength: plan.chunkLength,
    },
    body: partialSums(c, rows),
  })
  const partials = backend.runWebGPUProgram(first.program, [x, dy], 'float32', first.uniformData)
  if (plan.chunks === 1) return partials
  // Pass 2: the chunks' partial sums added, per filter element (or group of four).
  return sumChunks(backend, partials, plan.chunks, { component: c, outputShape: filterShape })
}

/** Ours for float32 NHWC; tfjs' own (one thread per filter element) for anything else. */
export const kernel: WebgpuKernel = {
  kernelName: Conv2DBackpropFilter,
  kernelFunc(args, shipped) {
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo }
    const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs
    const info = nhwcConvInfo(x.shape, attrs.filterShape, attrs)
    if (info === null || x.dtype !== 'float32' || dy.dtype !== 'float32') return shipped(args)
    // A dy sized otherwise (tfjs' numeric-padding sizing, see nhwcConvInfo) would be read out of bounds.
    if (!util.arraysEqual(dy.shape, info.outShape)) return shipped(args)
    return filterGradient(x, dy, info, args.backend as unknown as WebgpuBackendLike)
  },
}
