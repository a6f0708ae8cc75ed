/**
 * Everything the sparse engine needs to resume exactly, as plain typed arrays (checkpoint-friendly):
 * masks in the weights' tfjs layout, alive vectors per channel group, and the training-FLOPs tally.
 * Momentum buffers belong to the optimizer and are saved with it (`Sgd.exportState`).
 */
export interface SparseEngineState {
  readonly version: 1
  /** Per maskable tensor (`<node>.weight`): 0/1 per entry. */
  readonly masks: Readonly<Record<string, Uint8Array>>
  /** Per channel group: 1 alive, 0 removed, per original channel. */
  readonly alive: Readonly<Record<string, Uint8Array>>
  readonly trainingFlops: { readonly sparseMacs: number; readonly steps: number }
}
