import type { DataType, TensorInfo } from '@tensorflow/tfjs-core'

/**
 * What tfjs-backend-webgpu 4.22's `runWebGPUProgram` reads from a program (its own `WebGPUProgram` type
 * needs @webgpu/types, which the trainer does not load). tfjs wraps `getUserCode()` with the uniforms
 * struct (`uniforms.<name>` for each of `uniforms`, plus `size` when `size` is set), one storage array
 * per variable name, `setOutputAtIndex`, and an entry point that calls `main(index)` for a flat layout.
 */
export interface WebgpuProgram {
  variableNames: string[]
  outputShape: number[]
  shaderKey: string
  dispatchLayout: { x: number[] }
  dispatch: [number, number, number]
  workgroupSize: [number, number, number]
  size: true
  /** Floats per element of the output array and of each input array (vec4 where 4). */
  outputComponent: number
  variableComponents: number[]
  uniforms: string
  getUserCode(): string
}

export type ProgramUniforms = { type: 'int32' | 'float32'; data: number[] }[]

/** The backend methods our kernels call. */
export interface WebgpuBackendLike {
  runWebGPUProgram(
    program: WebgpuProgram,
    inputs: TensorInfo[],
    outputDtype: DataType,
    uniforms: ProgramUniforms,
  ): TensorInfo
  disposeData(dataId: object): boolean
}

/** tfjs' header for flat programs: `main` gets the output element's flat index. */
export const mainWithIndex = 'fn main(index : i32)'

const workgroupSize: [number, number, number] = [64, 1, 1]

/**
 * A program with one thread per output element, laid out as tfjs' own flat programs are
 * (`flatDispatchLayout` and `computeDispatch`, which the package does not export in a form we can load
 * without loading the backend). tfjs reshapes a dispatch wider than the device allows.
 */
export function flatProgram(options: {
  shaderKey: string
  variableNames: string[]
  outputShape: number[]
  /** 4: the output and the inputs marked 4 are read and written as vec4<f32> (`size` counts vec4s). */
  outputComponent?: 1 | 4
  variableComponents?: (1 | 4)[]
  /** Threads to start, where not one per output element (the body then checks its own bound). */
  threads?: number
  /** i32 uniforms by name: the same names, in the same order, at every call with this shader key. */
  uniforms: Readonly<Record<string, number>>
  /** f32 uniforms by name (after the i32 ones), such as a learning rate. */
  floatUniforms?: Readonly<Record<string, number>>
  body: string
}): { program: WebgpuProgram; uniformData: ProgramUniforms } {
  const floats = options.floatUniforms ?? {}
  const outputComponent = options.outputComponent ?? 1
  const size = options.outputShape.reduce((a, b) => a * b, 1) / outputComponent
  const program: WebgpuProgram = {
    variableNames: options.variableNames,
    outputShape: options.outputShape,
    shaderKey: options.shaderKey,
    dispatchLayout: { x: options.outputShape.map((_, i) => i) },
    dispatch: [Math.ceil((options.threads ?? size) / workgroupSize[0]), 1, 1],
    workgroupSize,
    size: true,
    outputComponent,
    variableComponents: options.variableComponents ?? options.variableNames.map(() => outputComponent),
    uniforms: [
      ...Object.keys(options.uniforms).map((name) => `${name} : i32,`),
      ...Object.keys(floats).map((name) => `${name} : f32,`),
    ].join(' '),
    getUserCode: () => options.body,
  }
  const uniformData: ProgramUniforms = [
    ...Object.values(options.uniforms).map((value) => ({ type: 'int32' as const, data: [value] })),
    ...Object.values(floats).map((value) => ({ type: 'float32' as const, data: [value] })),
  ]
  return { program, uniformData }
}
