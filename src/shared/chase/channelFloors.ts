/**
 * The fewest channels a prunable layer may keep: ⌊C·(1 − Sc)·β⌋ from the original width (§4.1), and never
 * below 1, because a layer with no channel left cuts the network in two.
 */
export function channelFloor(channels: number, sparsity: number, floorRatio: number): number {
  // The tolerance keeps 64·0.5·0.5 = 15.999…9 from flooring to 15.
  return Math.max(1, Math.floor(channels * (1 - sparsity) * floorRatio + 1e-9))
}
