import type { ChannelGroup } from './modelSpec'

/**
 * "Prune skip" (chase-spec.md §4.7, the paper's ImageNet figure; never in the official code): the
 * channels of a residual stage's stream form one coupled group. Its producers are the tensor that starts
 * the stream (the stem conv or the stage's projection shortcut, normalised by `norm`) and, tied to it,
 * every block's last conv, whose output is added to the stream; its consumers are every conv that reads
 * the stream: each block's first conv, the next stage's first conv and projection, or the classifier.
 * The group's score pools the UMM of all producers, and slimming cuts the channel from every tensor.
 * Build a net, calling `startStream`, `addToStream` and `readStream` as its blocks are laid out.
 */
export class ResidualStreams {
  private readonly stages: {
    producer: string
    norm: string
    channels: number
    tied: string[]
    consumers: string[]
  }[] = []

  /** A new stream starts at `producer` (followed by `norm`): the stem, or a projection shortcut. */
  startStream(producer: string, norm: string, channels: number): void {
    this.stages.push({ producer, norm, channels, tied: [], consumers: [] })
  }

  /** `producer`'s output is added to the current stream (a block's last conv). */
  addToStream(producer: string): void {
    this.current().tied.push(producer)
  }

  /** `consumer` reads the current stream (a block's first conv, a projection, the classifier). */
  readStream(...consumers: string[]): void {
    this.current().consumers.push(...consumers)
  }

  groups(): ChannelGroup[] {
    return this.stages.map((s) => ({
      name: s.producer,
      channels: s.channels,
      producer: s.producer,
      norm: s.norm,
      consumers: s.consumers,
      tied: s.tied,
    }))
  }

  private current() {
    const stage = this.stages.at(-1)
    if (!stage) throw new Error('no residual stream started: call startStream at the stem first')
    return stage
  }
}
