/**
 * PyTorch's `CosineAnnealingLR` in closed form: `hi` at step 0, `lo` at step `periodSteps`. The official
 * code keeps stepping it past the period (cos swings back up); no Chase phase reads it there, so we hold
 * `lo` instead, which is what every caller means.
 */
export function cosineAnneal(hi: number, lo: number, periodSteps: number, step: number): number {
  if (periodSteps <= 0 || step >= periodSteps) return lo
  if (step <= 0) return hi
  return lo + ((hi - lo) * (1 + Math.cos((Math.PI * step) / periodSteps))) / 2
}
