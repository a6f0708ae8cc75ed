import {
  backend_util,
  type Conv2DAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core'

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

/** The shipped Conv2D with numeric padding made explicit (see `explicitPadding`). */
export function createConv2dConfig(original: KernelConfig): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo | TensorInfo[] => {
    const { pad } = args.attrs as unknown as Conv2DAttrs
    if (typeof pad !== 'number') return original.kernelFunc(args)
    return original.kernelFunc({ ...args, attrs: { ...args.attrs, pad: explicitPadding(pad) } })
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
