import { Conv2D, type Conv2DAttrs, type TensorInfo, type backend_util } from '@tensorflow/tfjs-core'
import { webgpuAdapterInUse } from '../adapterInUse'
import { nhwcConvInfo } from '../nhwcConvInfo'
import { flatProgram, mainWithIndex, type WebgpuBackendLike } from '../webgpuProgram'
import type { WebgpuKernel } from '../webgpuKernel'

/** 1, or 4 channels per vector (when they divide by 4). */
type Component = 1 | 4
const fours = (channels: number): Component => (channels % 4 === 0 ? 4 : 1)

// One thread per output element (b, yR, yC, g), g an output channel or a group of four, looping over the
// window and the input channels, those four at a time where they can be: up to 16 products per loop
// step, where the index arithmetic around each product is what SwiftShader spends its time on.
// Neighbouring threads differ in g, so they read neighbouring weights and the same x value.
const directConvolution = (c: Component, rows: Component) => `
  ${mainWithIndex} {
    if (index < uniforms.size) {
      let g = index % uniforms.outGroups;
      let pixel = index / uniforms.outGroups;
      let yC = pixel % uniforms.outWidth;
      let yR = (pixel / uniforms.outWidth) % uniforms.outHeight;
      let b = pixel / (uniforms.outWidth * uniforms.outHeight);
      var sum = ${c === 4 ? 'vec4<f32>' : 'f32'}(0.0);
      for (var wR = 0; wR < uniforms.filterHeight; wR++) {
        let xR = yR * uniforms.strideHeight - uniforms.padTop + wR;
        if (xR < 0 || xR >= uniforms.inHeight) {
          continue;
        }
        for (var wC = 0; wC < uniforms.filterWidth; wC++) {
          let xC = yC * uniforms.strideWidth - uniforms.padLeft + wC;
          if (xC < 0 || xC >= uniforms.inWidth) {
            continue;
          }
          let xBase = ((b * uniforms.inHeight + xR) * uniforms.inWidth + xC) * uniforms.inGroups;
          let wBase = (wR * uniforms.filterWidth + wC) * uniforms.inGroups * ${rows} * uniforms.outGroups + g;
          for (var q = 0; q < uniforms.inGroups; q++) {
            let xValue = x[xBase + q];
            let w = wBase + q * ${rows} * uniforms.outGroups;
            ${
              rows === 4
                ? `sum = sum + xValue.x * W[w] + xValue.y * W[w + uniforms.outGroups] +
              xValue.z * W[w + 2 * uniforms.outGroups] + xValue.w * W[w + 3 * uniforms.outGroups];`
                : 'sum = sum + xValue * W[w];'
            }
          }
        }
      }
      setOutputAtIndex(index, sum);
    }
  }
`

/** An NHWC convolution with one barrier-free thread per output element. */
export function directConv2d(
  x: TensorInfo,
  filter: TensorInfo,
  info: backend_util.Conv2DInfo,
  backend: WebgpuBackendLike,
): TensorInfo {
  const c = fours(info.outChannels)
  const rows = fours(info.inChannels)
  const { program, uniformData } = flatProgram({
    shaderKey: `chaseConv2dDirect${c}x${rows}`,
    variableNames: ['x', 'W'],
    outputShape: [info.batchSize, info.outHeight, info.outWidth, info.outChannels],
    outputComponent: c,
    variableComponents: [rows, c],
    uniforms: {
      inHeight: info.inHeight,
      inWidth: info.inWidth,
      inGroups: info.inChannels / rows,
      outHeight: info.outHeight,
      outWidth: info.outWidth,
      outGroups: info.outChannels / c,
      filterHeight: info.filterHeight,
      filterWidth: info.filterWidth,
      strideHeight: info.strideHeight,
      strideWidth: info.strideWidth,
      padTop: info.padInfo.top,
      padLeft: info.padInfo.left,
    },
    body: directConvolution(c, rows),
  })
  return backend.runWebGPUProgram(program, [x, filter], 'float32', uniformData)
}

/**
 * On a software adapter, the direct program: tfjs' tiled programs (Conv2DMMProgram) synchronise on
 * workgroup barriers, which SwiftShader runs very slowly. On hardware those tiles are the fast path,
 * so tfjs' own kernel runs there, as it does for NCHW, dilations and other dtypes.
 */
export const kernel: WebgpuKernel = {
  kernelName: Conv2D,
  kernelFunc(args, shipped) {
    if (webgpuAdapterInUse()?.software !== true) return shipped(args)
    const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo }
    const info = nhwcConvInfo(x.shape, filter.shape, args.attrs as unknown as Conv2DAttrs)
    if (info === null || x.dtype !== 'float32' || filter.dtype !== 'float32') return shipped(args)
    return directConv2d(x, filter, info, args.backend as unknown as WebgpuBackendLike)
  },
}
