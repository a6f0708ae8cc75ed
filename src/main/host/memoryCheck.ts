import { totalmem } from 'node:os'
import { ConfigError } from '../../shared/config/configIssues'
import type { ExperimentConfig } from '../../shared/config/experimentConfig'
import { datasets } from '../../shared/data/datasets'
import { estimateTrainingMemory } from '../../shared/models/memoryEstimate'
import { buildModel } from '../../shared/models/registry'

/** `6.3 GiB`, `840 MiB`: memory for people. */
export function memoryText(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${Math.ceil(bytes / 2 ** 20)} MiB`
}

/**
 * Refuses, before a trainer starts, a run whose estimated memory exceeds this machine's RAM. A refusal,
 * not a warning: the estimate is a lower bound, so such a run cannot train here; it would only be
 * killed by the OOM killer after minutes of setup, perhaps with other runs or the host beside it.
 * Returns a line to log when the run fits but takes more than half the memory.
 */
export function checkMemoryFits(
  config: ExperimentConfig,
  machineBytes: number = totalmem(),
): string | undefined {
  const info = datasets[config.data.dataset]
  let spec
  try {
    spec = buildModel(config.model.arch, {
      input: info.input,
      classes: info.classes,
      widthMultiplier: config.model.widthMultiplier,
    })
  } catch {
    // A model that cannot be built is the config check's and the trainer's to report, with its own words.
    return undefined
  }
  // The same estimate as the plan's, whether or not the rest of the plan is feasible.
  const memory = estimateTrainingMemory(spec, {
    batchSize: config.optim.batchSize,
    evalBatchSize: config.optim.evalBatchSize,
    momentum: config.optim.momentum,
    sparse: config.sparsity.enabled,
  })
  const parts =
    `weights ${memoryText(memory.weights)}, momentum ${memoryText(memory.momentum)}, gradients ${memoryText(memory.gradients)}, ` +
    `masks ${memoryText(memory.masks)}, activations at batch ${config.optim.batchSize} ${memoryText(memory.activations)}, ` +
    `convolution workspace ${memoryText(memory.workspace)}`
  if (memory.total > machineBytes)
    throw new ConfigError(
      [
        {
          path: 'model.widthMultiplier',
          message:
            `training ${config.model.arch} ×${config.model.widthMultiplier} on ${config.data.dataset} needs at least ` +
            `${memoryText(memory.total)} (${parts}), more than this machine's ${memoryText(machineBytes)}: lower ` +
            'model.widthMultiplier or optim.batchSize, or pick a smaller model',
        },
      ],
      'The run would not fit in memory',
    )
  if (memory.total > machineBytes / 2)
    return `run needs about ${memoryText(memory.total)} of this machine's ${memoryText(machineBytes)} (${parts})`
  return undefined
}
