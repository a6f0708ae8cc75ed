import * as tf from '@tensorflow/tfjs-core'
import type { MaskedTensor } from '../../shared/chase/maskLayout'

/** The channel-importance scores of chase-spec.md §4.2. */
export type ChannelScoreKind = 'umm' | 'mm' | 'kernel' | 'connection'

/** A producer of a channel group: its (already masked) weight, its mask and its layout. */
export interface ProducerTensor {
  readonly layout: MaskedTensor
  readonly weight: tf.Tensor
  readonly mask: tf.Tensor
}

/** Every axis but the output-channel one: the per-channel reduction. */
function channelAxes(layout: MaskedTensor): number[] {
  return layout.shape.map((_, axis) => axis).filter((axis) => axis !== layout.outAxis)
}

function total(parts: tf.Tensor[]): tf.Tensor1D {
  return (parts.length === 1 ? parts[0]! : tf.addN(parts)) as tf.Tensor1D
}

/**
 * Per output channel of a group (tied producers pooled), on the device; call inside tf.tidy.
 * - umm: Σ|w| over the channel's full original slice / its size (masked entries count as 0);
 * - mm: Σ|w| / unmasked entries, 0 for a fully masked channel (the official NaN never gets selected);
 * - kernel: share of the channel's input kernels (k×k slices; single weights for dense) with Σ|w| > 0;
 * - connection: share of unmasked entries, the channel density.
 */
export function channelScores(kind: ChannelScoreKind, producers: readonly ProducerTensor[]): tf.Tensor1D {
  const fan = producers.reduce((sum, p) => sum + p.layout.fanIn, 0)
  switch (kind) {
    case 'umm':
      return tf.div(total(producers.map((p) => tf.sum(tf.abs(p.weight), channelAxes(p.layout)))), fan)
    case 'mm': {
      const magnitude = total(producers.map((p) => tf.sum(tf.abs(p.weight), channelAxes(p.layout))))
      const unmasked = total(producers.map((p) => tf.sum(p.mask, channelAxes(p.layout))))
      return tf.where(
        tf.greater(unmasked, 0),
        tf.div(magnitude, tf.maximum(unmasked, 1)),
        tf.zerosLike(magnitude),
      )
    }
    case 'kernel': {
      const inputs = producers.reduce((sum, p) => sum + p.layout.inChannels, 0)
      const live = producers.map((p) => {
        // Conv [kh, kw, in, out]: one k×k kernel per (in, out); dense [in, out]: one weight each.
        const kernels = p.layout.kind === 'conv2d' ? tf.sum(tf.abs(p.weight), [0, 1]) : tf.abs(p.weight)
        return tf.sum(tf.cast(tf.greater(kernels, 0), 'float32'), 0)
      })
      return tf.div(total(live), inputs)
    }
    case 'connection':
      return channelDensity(producers)
  }
}

/** nnz(mask of channel c) / (C_in·k_h·k_w): the per-channel density the heatmaps show. */
export function channelDensity(producers: readonly ProducerTensor[]): tf.Tensor1D {
  const fan = producers.reduce((sum, p) => sum + p.layout.fanIn, 0)
  return tf.div(total(producers.map((p) => tf.sum(p.mask, channelAxes(p.layout)))), fan)
}
