/**
 * The run form's sections, ordered the way a researcher sets up an experiment. Every config field must
 * appear in exactly one section (a unit test holds this), except `preset`, which the preset picker sets.
 */
export interface FormSection {
  readonly id: string
  readonly title: string
  readonly fields: readonly string[]
  /** A boolean field that switches the section's other fields on and off. */
  readonly toggle?: string
}

export const formSections: readonly FormSection[] = [
  {
    id: 'model-data',
    title: 'Model and data',
    fields: [
      'name',
      'model.arch',
      'model.widthMultiplier',
      'data.dataset',
      'data.path',
      'data.trainLimit',
      'data.testLimit',
      'data.validationSplit',
      'data.augmentation',
      'data.padding',
      'data.cropPadding',
    ],
  },
  {
    id: 'optimisation',
    title: 'Optimisation',
    fields: [
      'optim.epochs',
      'optim.batchSize',
      'optim.evalBatchSize',
      'optim.lr',
      'optim.momentum',
      'optim.weightDecay',
      'selection.checkpointOn',
      'selection.window',
      'selection.recalibrateBatchNorm',
    ],
  },
  {
    id: 'unstructured',
    title: 'Unstructured sparsity',
    toggle: 'sparsity.enabled',
    fields: [
      'sparsity.enabled',
      'sparsity.density',
      'sparsity.init',
      'sparsity.exploration',
      'sparsity.softBoundIncrement',
      'sparsity.finalPhase',
      'sparsity.dstRateStart',
      'sparsity.dstRateEnd',
      'sparsity.dstRateHorizon',
      'sparsity.updateScope',
      'sparsity.regrowth',
    ],
  },
  {
    id: 'channel',
    title: 'Channel sparsity',
    toggle: 'channels.enabled',
    fields: ['channels.enabled', 'channels.sparsity', 'channels.floorRatio', 'channels.score'],
  },
  {
    id: 'schedule',
    title: 'Schedule',
    fields: [
      'optim.lrSchedule',
      'optim.lrMilestones',
      'optim.lrDecay',
      'sparsity.updateInterval',
      'sparsity.densitySchedule',
      'sparsity.softBoundEnd',
      'channels.interval',
      'channels.schedule',
      'channels.end',
    ],
  },
  {
    id: 'system',
    title: 'System',
    fields: [
      'system.seed',
      'system.backend',
      'system.threads',
      'system.logInterval',
      'system.snapshotInterval',
      'system.checkpointInterval',
    ],
  },
]

/** Fields the form does not show as inputs. */
export const hiddenFields: readonly string[] = ['preset']
