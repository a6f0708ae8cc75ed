import type { ModelBuildOptions, ModelSpec } from './modelSpec'
import { cifarResnet } from './specs/cifarResnet'
import { cnnSmall } from './specs/cnnSmall'
import { mlp } from './specs/mlp'
import { resnet } from './specs/resnet'
import { vgg } from './specs/vgg'

/** Every model the workbench knows. Adding a model is a spec file under `specs/` and one line here. */
const models: Readonly<Record<string, (options: ModelBuildOptions) => ModelSpec>> = {
  mlp,
  'cnn-small': cnnSmall,
  vgg11: (o) => vgg(11, o),
  vgg13: (o) => vgg(13, o),
  vgg16: (o) => vgg(16, o),
  vgg19: (o) => vgg(19, o),
  resnet20: (o) => cifarResnet(20, o),
  resnet32: (o) => cifarResnet(32, o),
  resnet56: (o) => cifarResnet(56, o),
  resnet18: (o) => resnet(18, o),
  resnet34: (o) => resnet(34, o),
  resnet50: (o) => resnet(50, o),
  // Prune skip (residualStream.ts): the residual stream's channels are prunable too.
  'resnet20-prune-skip': (o) => cifarResnet(20, o, true),
  'resnet32-prune-skip': (o) => cifarResnet(32, o, true),
  'resnet56-prune-skip': (o) => cifarResnet(56, o, true),
  'resnet18-prune-skip': (o) => resnet(18, o, true),
  'resnet34-prune-skip': (o) => resnet(34, o, true),
  'resnet50-prune-skip': (o) => resnet(50, o, true),
}

export function modelNames(): string[] {
  return Object.keys(models)
}

export function hasModel(name: string): boolean {
  return Object.hasOwn(models, name)
}

/** The spec of a registered model for one input shape, class count and width multiplier. */
export function buildModel(name: string, options: ModelBuildOptions): ModelSpec {
  const build = hasModel(name) ? models[name] : undefined
  if (!build) throw new Error(`unknown model "${name}": pick one of ${modelNames().join(', ')}`)
  if (!Number.isInteger(options.classes) || options.classes < 1)
    throw new Error(`classes must be a positive integer, got ${options.classes}`)
  if (!(options.widthMultiplier > 0))
    throw new Error(`widthMultiplier must be above 0, got ${options.widthMultiplier}`)
  return build(options)
}
