import { backend_util, type Conv2DAttrs } from '@tensorflow/tfjs-core'
import { explicitPadding } from '../wasm/conv2d'

type Shape4 = [number, number, number, number]

/**
 * The shapes of an NHWC convolution with unit dilation, the only kind our WGSL programs compute; null
 * for any other (the caller hands those to tfjs' own kernel). Numeric padding is made explicit, as on
 * wasm, because tfjs 4.22 sizes it with one axis's stride and kernel size for both.
 */
export function nhwcConvInfo(
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: Pick<Conv2DAttrs, 'strides' | 'pad' | 'dimRoundingMode'> &
    Partial<Pick<Conv2DAttrs, 'dataFormat' | 'dilations'>>,
): backend_util.Conv2DInfo | null {
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC') return null
  const dilations = attrs.dilations ?? 1
  if (typeof dilations === 'number' ? dilations !== 1 : dilations.some((d) => d !== 1)) return null
  return backend_util.computeConv2DInfo(
    [...xShape] as Shape4,
    [...filterShape] as Shape4,
    attrs.strides,
    1,
    explicitPadding(attrs.pad),
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  )
}
