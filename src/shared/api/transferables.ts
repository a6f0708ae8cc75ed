import { isAttachment, type Attachment } from './binaryFrames'

/**
 * Prepares a reply with typed arrays for a structured clone (Electron IPC, a MessagePort): each typed
 * array gets a buffer of its own (a clone copies a view's whole buffer, e.g. a Node Buffer's 8 kB pool
 * slab, so a view is copied down to its bytes first), and the distinct buffers are listed for a transfer
 * list where the port takes one (then the bytes move instead of being copied). Walks the reply's objects
 * and arrays, never into the typed arrays' numbers.
 */
export function withOwnBuffers<T>(reply: T): { reply: T; transfer: ArrayBuffer[] } {
  const transfer = new Set<ArrayBuffer>()
  const visit = (value: unknown): unknown => {
    if (isAttachment(value)) {
      const owned = ownsBuffer(value) ? value : copyOf(value)
      transfer.add(owned.buffer as ArrayBuffer)
      return owned
    }
    if (Array.isArray(value)) return value.map(visit)
    if (typeof value === 'object' && value !== null) {
      const out: Record<string, unknown> = {}
      for (const [key, field] of Object.entries(value)) out[key] = visit(field)
      return out
    }
    return value
  }
  return { reply: visit(reply) as T, transfer: [...transfer] }
}

const ownsBuffer = (array: Attachment) =>
  array.byteOffset === 0 &&
  array.byteLength === array.buffer.byteLength &&
  array.buffer instanceof ArrayBuffer &&
  Object.getPrototypeOf(array) === array.constructor.prototype

function copyOf(array: Attachment): Attachment {
  // The constructor of a typed array from another typed array copies its values into a fresh buffer.
  if (array instanceof Float64Array) return new Float64Array(array)
  if (array instanceof Float32Array) return new Float32Array(array)
  if (array instanceof Uint16Array) return new Uint16Array(array)
  return new Uint8Array(array)
}
