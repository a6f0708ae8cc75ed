import {
  and,
  defineFunction,
  f32Add,
  f32Load,
  f32Mul,
  f32Store,
  f32Sub,
  f32x4Add,
  f32x4Mul,
  f32x4Splat,
  f32x4Sub,
  forLoop,
  get,
  int,
  plus,
  set,
  v128Load,
  v128Store,
  type Code,
} from './assembler'

/**
 * sgdUpdate(w, g, buffer, wOut, bufferOut, bytes; learningRate, momentum, weightDecay): PyTorch's SGD
 * step on one parameter, in the order tfjs' composite computes it (so the same float32 roundings):
 *   d = g + w·wd;  b' = b·μ + d;  w' = w − b'·lr
 * four floats per instruction, the last bytes % 16 one at a time.
 */
export const sgdUpdate = defineFunction(
  'sgdUpdate',
  {
    parameters: ['w', 'g', 'buffer', 'wOut', 'bufferOut', 'bytes'],
    f32Parameters: ['learningRate', 'momentum', 'weightDecay'],
    i32: ['at', 'vectorBytes'],
    v128: ['lr', 'mu', 'wd', 'next'],
  },
  (l) => {
    const at = (base: number): Code => plus(get(base), get(l.at))
    const vectors = [
      ...at(l.bufferOut),
      ...at(l.buffer),
      ...v128Load,
      ...get(l.mu),
      ...f32x4Mul,
      ...at(l.g),
      ...v128Load,
      ...at(l.w),
      ...v128Load,
      ...get(l.wd),
      ...f32x4Mul,
      ...f32x4Add,
      ...f32x4Add,
      ...set(l.next),
      ...get(l.next),
      ...v128Store,
      ...at(l.wOut),
      ...at(l.w),
      ...v128Load,
      ...get(l.next),
      ...get(l.lr),
      ...f32x4Mul,
      ...f32x4Sub,
      ...v128Store,
    ]
    // The same with scalars; the new buffer value is re-read from where it was just stored.
    const scalars = [
      ...at(l.bufferOut),
      ...at(l.buffer),
      ...f32Load,
      ...get(l.momentum),
      ...f32Mul,
      ...at(l.g),
      ...f32Load,
      ...at(l.w),
      ...f32Load,
      ...get(l.weightDecay),
      ...f32Mul,
      ...f32Add,
      ...f32Add,
      ...f32Store,
      ...at(l.wOut),
      ...at(l.w),
      ...f32Load,
      ...at(l.bufferOut),
      ...f32Load,
      ...get(l.learningRate),
      ...f32Mul,
      ...f32Sub,
      ...f32Store,
    ]
    return [
      ...[...get(l.learningRate), ...f32x4Splat, ...set(l.lr)],
      ...[...get(l.momentum), ...f32x4Splat, ...set(l.mu)],
      ...[...get(l.weightDecay), ...f32x4Splat, ...set(l.wd)],
      ...[...get(l.bytes), ...int(-16), ...and, ...set(l.vectorBytes)],
      ...forLoop(l.at, get(l.vectorBytes), int(16), vectors),
      ...forLoop(l.at, get(l.bytes), int(4), scalars, get(l.vectorBytes)),
    ]
  },
)
