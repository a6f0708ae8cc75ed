import { mainWithIndex } from './webgpuProgram'

/**
 * The second pass of our split reductions: one thread per output element (or vector of four) adds the
 * `partials` its chunks left, laid out as [chunks, size]. Barrier-free, so it runs the same on any
 * device; the first pass (per kernel) sums a chunk of rows per thread.
 */
export const chunkSums = (type: 'f32' | 'vec4<f32>') => `
  ${mainWithIndex} {
    if (index < uniforms.size) {
      var sum = ${type}(0.0);
      for (var chunk = 0; chunk < uniforms.chunks; chunk++) {
        sum = sum + partials[chunk * uniforms.size + index];
      }
      setOutputAtIndex(index, sum);
    }
  }
`
