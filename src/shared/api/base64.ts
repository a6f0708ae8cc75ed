/** Base64 for byte arrays in pure code (no Buffer, no atob): packed snapshots travel as JSON strings. */

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const lookup = new Uint8Array(128).fill(255)
for (let i = 0; i < alphabet.length; i++) lookup[alphabet.charCodeAt(i)] = i

export function encodeBase64(bytes: Uint8Array): string {
  const parts: string[] = []
  let chunk = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!
    const b = i + 1 < bytes.length ? bytes[i + 1]! : 0
    const c = i + 2 < bytes.length ? bytes[i + 2]! : 0
    const n = (a << 16) | (b << 8) | c
    chunk +=
      alphabet[(n >> 18) & 63]! +
      alphabet[(n >> 12) & 63]! +
      (i + 1 < bytes.length ? alphabet[(n >> 6) & 63]! : '=') +
      (i + 2 < bytes.length ? alphabet[n & 63]! : '=')
    // Joining bounded chunks keeps long strings from becoming deep rope trees.
    if (chunk.length >= 8192) {
      parts.push(chunk)
      chunk = ''
    }
  }
  parts.push(chunk)
  return parts.join('')
}

/** How many bytes a base64 string holds, from its length and padding alone (-1 if it cannot be base64). */
export function base64ByteCount(text: string): number {
  if (text.length % 4 !== 0) return -1
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
  return (text.length / 4) * 3 - padding
}

export function decodeBase64(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new Error(`base64 of length ${text.length} is not a multiple of 4`)
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
  const out = new Uint8Array((text.length / 4) * 3 - padding)
  let o = 0
  for (let i = 0; i < text.length; i += 4) {
    let n = 0
    for (let k = 0; k < 4; k++) {
      const code = text.charCodeAt(i + k)
      const v = code === 61 ? 0 : code < 128 ? lookup[code]! : 255
      if (v === 255) throw new Error(`not base64 at character ${i + k}`)
      n = (n << 6) | v
    }
    if (o < out.length) out[o++] = (n >> 16) & 255
    if (o < out.length) out[o++] = (n >> 8) & 255
    if (o < out.length) out[o++] = n & 255
  }
  return out
}
