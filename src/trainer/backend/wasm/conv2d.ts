import {
  backend_util,
  type Conv2DAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { conv2dGemm, conv2dGemmFits } from './conv2dGemm'
import { simdKernelsFor } from './simdKernels'

type ExplicitPadding = Exclude<Conv2DAttrs['pad'], string | number>

/**
 * Numeric padding as explicit padding. tfjs 4.22 sizes the output of a numerically padded convolution
 * with the row stride and the kernel height for both axes (`computeOutputShape2D` takes one of each),
 * so with unequal strides or a non-square kernel it allocates a different number of columns than
 * XNNPACK writes: too few is a heap overrun that surfaces later as "memory access out of bounds".
 * Explicit padding is sized per axis.
 */
export function explicitPadding<P>(pad: P | number): P | ExplicitPadding {
  return typeof pad === 'number'
    ? [
        [0, 0],
        [pad, pad],
        [pad, pad],
        [0, 0],
      ]
    : pad
}

/**
 * Conv2D on our own matrix product where the channels fit (`conv2dGemm`; `bench/kernels.ts` times it
 * against XNNPACK), otherwise the shipped kernel with numeric padding made explicit (see `explicitPadding`).
 */
export function createConv2dConfig(original: KernelConfig, options: { ownConv2d: boolean }): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo | TensorInfo[] => {
    const attrs = args.attrs as unknown as Conv2DAttrs
    const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo }
    const backend = args.backend as BackendWasm
    const kernels = options.ownConv2d ? simdKernelsFor(backend) : null
    if (
      kernels !== null &&
      attrs.dataFormat === 'NHWC' &&
      x.dtype === 'float32' &&
      filter.dtype === 'float32'
    ) {
      const info = backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filter.shape as [number, number, number, number],
        attrs.strides,
        attrs.dilations,
        explicitPadding(attrs.pad),
        attrs.dimRoundingMode,
        false,
        'channelsLast',
      )
      if (conv2dGemmFits(info)) return conv2dGemm(x, filter, info, backend, kernels)
    }
    if (typeof attrs.pad !== 'number') return original.kernelFunc(args)
    return original.kernelFunc({ ...args, attrs: { ...args.attrs, pad: explicitPadding(attrs.pad) } })
  }
  return { ...original, kernelFunc }
}

/** The shapes of an NHWC convolution whose gradient a kernel computes; other layouts are refused. */
export function gradientConvInfo(
  kernelName: string,
  inputShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  attrs: Pick<Conv2DAttrs, 'strides' | 'pad' | 'dataFormat' | 'dimRoundingMode'>,
): backend_util.Conv2DInfo {
  if (attrs.dataFormat !== 'NHWC')
    throw new Error(`${kernelName} on wasm supports NHWC only, got ${attrs.dataFormat}`)
  return backend_util.computeConv2DInfo(
    inputShape,
    filterShape,
    attrs.strides,
    1,
    explicitPadding(attrs.pad),
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  )
}
