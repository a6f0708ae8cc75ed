import { z } from 'zod'

export const DatasetName = z.enum(['cifar10', 'cifar100', 'mnist', 'fashion-mnist', 'synthetic'])
export type DatasetName = z.infer<typeof DatasetName>

/** What the planner and the UI need to know about a dataset without reading it. */
export interface DatasetInfo {
  readonly name: DatasetName
  readonly title: string
  /** Height, width, channels of one image. */
  readonly input: readonly [number, number, number]
  readonly classes: number
  /** Full training and test set sizes as published (a subset folder may hold fewer). */
  readonly trainSize: number
  readonly testSize: number
  /** Per-channel normalisation (the official loaders' constants). */
  readonly mean: readonly number[]
  readonly std: readonly number[]
}

export const datasets: Readonly<Record<DatasetName, DatasetInfo>> = {
  cifar10: {
    name: 'cifar10',
    title: 'CIFAR-10',
    input: [32, 32, 3],
    classes: 10,
    trainSize: 50_000,
    testSize: 10_000,
    mean: [0.4914, 0.4822, 0.4465],
    std: [0.2023, 0.1994, 0.201],
  },
  cifar100: {
    name: 'cifar100',
    title: 'CIFAR-100',
    input: [32, 32, 3],
    classes: 100,
    trainSize: 50_000,
    testSize: 10_000,
    mean: [0.5071, 0.4865, 0.4409],
    std: [0.2673, 0.2564, 0.2762],
  },
  mnist: {
    name: 'mnist',
    title: 'MNIST',
    input: [28, 28, 1],
    classes: 10,
    trainSize: 60_000,
    testSize: 10_000,
    mean: [0.1307],
    std: [0.3081],
  },
  'fashion-mnist': {
    name: 'fashion-mnist',
    title: 'Fashion-MNIST',
    input: [28, 28, 1],
    classes: 10,
    trainSize: 60_000,
    testSize: 10_000,
    mean: [0.286],
    std: [0.353],
  },
  synthetic: {
    name: 'synthetic',
    title: 'Synthetic (generated)',
    input: [16, 16, 3],
    classes: 4,
    trainSize: 2_000,
    testSize: 500,
    mean: [0.5, 0.5, 0.5],
    std: [0.25, 0.25, 0.25],
  },
}

/** Training images actually used by a run, before the validation split. */
export function trainImagesFor(name: DatasetName, trainLimit?: number): number {
  const size = datasets[name].trainSize
  return trainLimit === undefined ? size : Math.min(size, trainLimit)
}
