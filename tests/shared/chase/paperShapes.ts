import type { ShapedTensor } from '../../../src/shared/chase/erk'

/** The maskable tensors of the paper's VGG-19 for CIFAR-100 (chase-spec.md §7.1), tfjs layout. */
export function vgg19Tensors(): ShapedTensor[] {
  const widths = [64, 64, 128, 128, 256, 256, 256, 256, 512, 512, 512, 512, 512, 512, 512, 512]
  const convIndices = [0, 3, 7, 10, 14, 17, 20, 23, 27, 30, 33, 36, 40, 43, 46, 49]
  let inChannels = 3
  const tensors: ShapedTensor[] = widths.map((out, i) => {
    const tensor = { name: `features.${convIndices[i]}`, shape: [3, 3, inChannels, out] }
    inChannels = out
    return tensor
  })
  tensors.push({ name: 'classifier', shape: [512, 100] })
  return tensors
}

/** The maskable tensors of the CIFAR ResNet-50 (§7.4), tfjs layout. */
export function resnet50Tensors(): ShapedTensor[] {
  const tensors: ShapedTensor[] = [{ name: 'conv1', shape: [3, 3, 3, 64] }]
  let inPlanes = 64
  const stages: [number, number][] = [
    [64, 3],
    [128, 4],
    [256, 6],
    [512, 3],
  ]
  stages.forEach(([planes, blocks], s) => {
    for (let b = 0; b < blocks; b++) {
      const prefix = `layer${s + 1}.${b}`
      tensors.push({ name: `${prefix}.conv1`, shape: [1, 1, inPlanes, planes] })
      tensors.push({ name: `${prefix}.conv2`, shape: [3, 3, planes, planes] })
      tensors.push({ name: `${prefix}.conv3`, shape: [1, 1, planes, planes * 4] })
      if (b === 0) tensors.push({ name: `${prefix}.shortcut`, shape: [1, 1, inPlanes, planes * 4] })
      inPlanes = planes * 4
    }
  })
  tensors.push({ name: 'linear', shape: [2048, 100] })
  return tensors
}
