/**
 * Training cost in the RigL convention (chase-spec.md §5.2, decision 7): each step costs 3·f_S(s) (forward,
 * and a backward of twice the forward, on the sparse net), each prune-and-grow update adds one dense
 * gradient pass f_D, and the total is divided by dense training, 3·f_D per step.
 */

/** The sparse forward cost f_S, constant from `startStep` until the next phase starts. */
export interface SparseCostPhase {
  readonly startStep: number
  readonly sparseForwardMacs: number
}

/** One dense-gradient pass at an update step. */
export interface GradientPass {
  readonly step: number
  readonly macs: number
}

export interface TrainingFlopsInput {
  /** Steps 1 … totalSteps are counted. */
  readonly totalSteps: number
  /** f_D of the original dense network: the denominator's per-step forward cost. */
  readonly denseForwardMacs: number
  /** Ascending by startStep; steps before the first phase cost nothing (give one starting at 1). */
  readonly phases: readonly SparseCostPhase[]
  readonly gradientPasses: readonly GradientPass[]
}

export interface TrainingFlops {
  readonly sparseTrainingMacs: number
  readonly denseTrainingMacs: number
  /** sparse / dense; NaN when the dense cost is 0. */
  readonly ratio: number
}

export function trainingFlops(input: TrainingFlopsInput): TrainingFlops {
  const { totalSteps } = input
  let sparse = 0
  input.phases.forEach((phase, i) => {
    const from = Math.max(1, phase.startStep)
    const to = Math.min(totalSteps, (input.phases[i + 1]?.startStep ?? totalSteps + 1) - 1)
    if (to >= from) sparse += 3 * phase.sparseForwardMacs * (to - from + 1)
  })
  for (const pass of input.gradientPasses) if (pass.step >= 1 && pass.step <= totalSteps) sparse += pass.macs
  const dense = 3 * input.denseForwardMacs * totalSteps
  return {
    sparseTrainingMacs: sparse,
    denseTrainingMacs: dense,
    ratio: dense > 0 ? sparse / dense : Number.NaN,
  }
}

/** The same sum kept live during training, one step at a time (and saved in checkpoints). */
export class TrainingFlopsMeter {
  constructor(
    private sparseMacs = 0,
    private steps = 0,
  ) {}

  /** One training step on a net whose forward costs `sparseForwardMacs`. */
  addStep(sparseForwardMacs: number): void {
    this.sparseMacs += 3 * sparseForwardMacs
    this.steps++
  }

  /** One dense-gradient pass (a prune-and-grow update). */
  addGradientPass(macs: number): void {
    this.sparseMacs += macs
  }

  ratio(denseForwardMacs: number): number {
    const dense = 3 * denseForwardMacs * this.steps
    return dense > 0 ? this.sparseMacs / dense : Number.NaN
  }

  state(): { sparseMacs: number; steps: number } {
    return { sparseMacs: this.sparseMacs, steps: this.steps }
  }
}
