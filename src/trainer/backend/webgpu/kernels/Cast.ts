import type { CastAttrs, DataType, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import { flatProgram, mainWithIndex, type WebgpuBackendLike } from '../webgpuProgram'
import type { WebgpuKernel } from '../webgpuKernel'

interface TensorStore {
  tensorMap: { get(dataId: object): { dtype: DataType; values?: ArrayLike<number> | null } }
  makeTensorInfo(shape: number[], dtype: DataType, values: Float32Array): TensorInfo
}

/**
 * Cast to float32 that converts. tfjs-backend-webgpu casts bool and int32 to float32 by relabelling the
 * tensor (no data change: "no encoding loss"), so the buffer still holds i32 words; its elementwise
 * programs convert on read, but its Transpose program does not and fails to compile ("expected f32, got
 * i32"), leaving garbage. A reduction over leading axes transposes first, which is how the engine sums a
 * mask per output channel. So the values are converted for real: on the CPU when they are there, else by
 * one program. Every other cast is tfjs' own.
 */
export const kernel: WebgpuKernel = {
  kernelName: 'Cast',
  kernelFunc(args, shipped: KernelFunc) {
    const x = args.inputs.x as TensorInfo
    const { dtype } = args.attrs as unknown as CastAttrs
    if (dtype !== 'float32' || (x.dtype !== 'bool' && x.dtype !== 'int32')) return shipped(args)
    const backend = args.backend as unknown as WebgpuBackendLike & TensorStore
    const stored = backend.tensorMap.get(x.dataId)
    if (stored.values != null)
      return backend.makeTensorInfo([...x.shape], 'float32', Float32Array.from(stored.values))
    const size = x.shape.reduce((a, b) => a * b, 1)
    const { program, uniformData } = flatProgram({
      shaderKey: 'chaseCastToFloat32',
      variableNames: ['x'],
      // Flat, so a scalar is one element; the shape is put back below.
      outputShape: [Math.max(1, size)],
      uniforms: {},
      body: `${mainWithIndex} {
        if (index < uniforms.size) {
          setOutputAtIndex(index, f32(x[index]));
        }
      }`,
    })
    const converted = backend.runWebGPUProgram(
      program,
      [{ ...x, shape: [Math.max(1, size)] }],
      'float32',
      uniformData,
    )
    return { ...converted, shape: [...x.shape] }
  },
}
