// Every kernel file in this folder, in name order.
import type { WebgpuKernel } from '../webgpuKernel'
import { conv2dKernel } from './conv2d'
import { conv2dBackpropFilterKernel } from './conv2dBackpropFilter'

export const webgpuKernels: readonly WebgpuKernel[] = [conv2dKernel, conv2dBackpropFilterKernel]
