import { z } from 'zod'

/**
 * Binary WebSocket messages that carry typed arrays beside a JSON frame, so per-channel series travel as
 * their bytes instead of base64 inside JSON. One message, little-endian:
 *
 *   0      u32  magic "CWB1"
 *   4      u32  header length H in bytes
 *   8      H    UTF-8 JSON header ({@link BinaryHeader}), padded with spaces: H is a multiple of 8
 *   8 + H  …    attachments, each at an 8-aligned offset (from here) named in the header
 *
 * The frame JSON refers to attachment `i` as `{ "$attachment": i }`. A large answer is split into `parts`
 * messages (the frame rides in the first, attachments are numbered across all of them), so neither side
 * spends long on one message. Checked by the header alone (magic, bounds, alignment, dtype), never by a
 * walk over the numbers; the receiver gets views on the message's own buffer, no number is copied.
 */

export const attachmentDtypes = ['u8', 'u16', 'f32', 'f64'] as const
export type AttachmentDtype = (typeof attachmentDtypes)[number]
export type Attachment = Uint8Array | Uint16Array | Float32Array | Float64Array

const magic = 0x31425743 // "CWB1" read as a little-endian u32
const prefixBytes = 8
const alignBytes = 8
/** A header beyond this is not ours (a frame's JSON is small; the numbers are in the attachments). */
export const maxHeaderBytes = 1024 * 1024
const maxAttachments = 100_000
/** Small enough that neither side spends long on one message, large enough that headers cost nothing. */
const defaultPartBytes = 256 * 1024

const bytesPer: Record<AttachmentDtype, number> = { u8: 1, u16: 2, f32: 4, f64: 8 }

const AttachmentEntry = z
  .object({
    dtype: z.enum(attachmentDtypes),
    /** Byte offset from the payload's start (the end of the padded header); a multiple of 8. */
    offset: z.number().int().min(0),
    /** Elements, not bytes. */
    length: z.number().int().min(0),
  })
  .strict()

export const BinaryHeader = z
  .object({
    /** Which reply the parts belong to (the request's id). */
    id: z.union([z.string().min(1).max(64), z.number().int()]),
    part: z.number().int().min(0),
    parts: z.number().int().min(1).max(maxAttachments),
    /** Index of this message's first attachment among all of the reply's. */
    first: z.number().int().min(0).max(maxAttachments),
    attachments: z.array(AttachmentEntry).max(maxAttachments),
    /** The JSON frame with attachment markers; in part 0 only. */
    frame: z.unknown().optional(),
  })
  .strict()
export type BinaryHeader = z.infer<typeof BinaryHeader>

/** A binary message that fails the header check; `message` says what was wrong. */
export class BinaryFrameError extends Error {
  override readonly name = 'BinaryFrameError'
}

export function dtypeOf(array: Attachment): AttachmentDtype {
  if (array instanceof Float64Array) return 'f64'
  return array instanceof Float32Array ? 'f32' : array instanceof Uint16Array ? 'u16' : 'u8'
}

export const isAttachment = (value: unknown): value is Attachment =>
  value instanceof Uint8Array ||
  value instanceof Uint16Array ||
  value instanceof Float32Array ||
  value instanceof Float64Array

interface Marker {
  readonly $attachment: number
}
const isMarker = (value: unknown): value is Marker =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Marker).$attachment === 'number' &&
  Object.keys(value).length === 1

/**
 * Replaces the typed arrays inside `frame` by markers; returns the JSON and the arrays in marker order.
 * Node's Buffer has a `toJSON` that runs before any replacer, so a Buffer must be passed as a Uint8Array view.
 */
export function extractAttachments(frame: unknown): { json: string; attachments: Attachment[] } {
  const attachments: Attachment[] = []
  const json = JSON.stringify(frame, (_key, value: unknown) => {
    if (!isAttachment(value)) return value
    attachments.push(value)
    return { $attachment: attachments.length - 1 }
  })
  return { json, attachments }
}

/** The JSON of `frame` with each typed array as a base64 string (for clients that read JSON only). */
export function jsonWithBase64(frame: unknown, encode: (bytes: Uint8Array) => string): string {
  return JSON.stringify(frame, (_key, value: unknown) =>
    isAttachment(value) ? encode(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) : value,
  )
}

const align = (n: number) => Math.ceil(n / alignBytes) * alignBytes

// Globals in every runtime we ship (Node, Chromium, Electron); shared code has no DOM lib to declare them.
declare const TextEncoder: new () => { encode(text: string): Uint8Array }
declare const TextDecoder: new (
  label: string,
  options: { fatal: boolean },
) => { decode(bytes: Uint8Array): string }
const textEncoder = new TextEncoder()
const textDecoder = new TextDecoder('utf-8', { fatal: true })

/**
 * The messages of one reply: attachments are grouped so that a message holds about `partBytes` (a single
 * larger array gets a message of its own). Each message is a fresh, exactly sized Uint8Array.
 */
export function encodeBinaryFrames(
  id: string | number,
  frame: unknown,
  options: { readonly partBytes?: number } = {},
): Uint8Array[] {
  const partBytes = options.partBytes ?? defaultPartBytes
  const { json, attachments } = extractAttachments(frame)
  const groups: Attachment[][] = [[]]
  let groupBytes = 0
  for (const array of attachments) {
    const bytes = align(array.byteLength)
    if (groupBytes > 0 && groupBytes + bytes > partBytes) {
      groups.push([])
      groupBytes = 0
    }
    groups[groups.length - 1]!.push(array)
    groupBytes += bytes
  }
  let first = 0
  return groups.map((group, part) => {
    const message = encodeMessage({ id, part, parts: groups.length, first }, part === 0 ? json : null, group)
    first += group.length
    return message
  })
}

function encodeMessage(
  head: Pick<BinaryHeader, 'id' | 'part' | 'parts' | 'first'>,
  frameJson: string | null,
  group: readonly Attachment[],
): Uint8Array {
  // Offsets count from the payload's start, so the header does not depend on its own length.
  let offset = 0
  let end = 0
  const entries = group.map((array) => {
    const entry = { dtype: dtypeOf(array), offset, length: array.length }
    end = offset + array.byteLength
    offset = align(end)
    return entry
  })
  const fields = JSON.stringify({ ...head, attachments: entries })
  // The frame is already JSON: spliced in rather than parsed and written again.
  const headerText = frameJson === null ? fields : `${fields.slice(0, -1)},"frame":${frameJson}}`
  const header = textEncoder.encode(headerText)
  const paddedHeader = align(header.length)
  const payloadStart = prefixBytes + paddedHeader
  const out = new Uint8Array(payloadStart + end)
  const view = new DataView(out.buffer)
  view.setUint32(0, magic, true)
  view.setUint32(4, paddedHeader, true)
  out.set(header, prefixBytes)
  // Spaces: JSON allows them after the value, so the padded header parses as it is.
  out.fill(0x20, prefixBytes + header.length, payloadStart)
  entries.forEach((entry, i) => {
    const array = group[i]!
    out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), payloadStart + entry.offset)
  })
  return out
}

export interface DecodedPart {
  readonly header: BinaryHeader
  /** Views on the message's buffer, in header order. */
  readonly attachments: Attachment[]
}

/**
 * Checks one message's header and returns views on its attachments. Throws a `BinaryFrameError` naming
 * the first problem; never reads an attachment's numbers. A message not aligned to 8 bytes in its buffer
 * is copied once so that the views are.
 */
export function decodeBinaryFrame(message: ArrayBuffer | Uint8Array): DecodedPart {
  let bytes = message instanceof Uint8Array ? message : new Uint8Array(message)
  if (bytes.byteOffset % alignBytes !== 0) bytes = bytes.slice()
  if (bytes.byteLength < prefixBytes)
    throw new BinaryFrameError(`a binary message of ${bytes.byteLength} bytes is shorter than its prefix`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view.getUint32(0, true) !== magic)
    throw new BinaryFrameError('a binary message without the "CWB1" magic: not a workbench frame')
  const headerLength = view.getUint32(4, true)
  if (headerLength > maxHeaderBytes || prefixBytes + headerLength > bytes.byteLength)
    throw new BinaryFrameError(
      `a binary message names a ${headerLength}-byte header, more than its ${bytes.byteLength} bytes hold`,
    )
  let raw: unknown
  try {
    const text = textDecoder.decode(bytes.subarray(prefixBytes, prefixBytes + headerLength))
    raw = JSON.parse(text)
  } catch {
    throw new BinaryFrameError('a binary message whose header is not UTF-8 JSON')
  }
  const parsed = BinaryHeader.safeParse(raw)
  if (!parsed.success)
    throw new BinaryFrameError(`a binary message with a malformed header: ${parsed.error.issues[0]?.message}`)
  const header = parsed.data
  if (header.part >= header.parts)
    throw new BinaryFrameError(`a binary message is part ${header.part} of only ${header.parts}`)
  const payloadStart = prefixBytes + headerLength
  if (headerLength % alignBytes !== 0)
    throw new BinaryFrameError(`a binary message's header length ${headerLength} is not a multiple of 8`)
  const attachments = header.attachments.map((entry, i) => {
    const byteLength = entry.length * bytesPer[entry.dtype]
    if (entry.offset % alignBytes !== 0)
      throw new BinaryFrameError(`attachment ${i} starts at ${entry.offset}: not a multiple of 8`)
    if (payloadStart + entry.offset + byteLength > bytes.byteLength)
      throw new BinaryFrameError(
        `attachment ${i} (${entry.length} × ${entry.dtype} at ${entry.offset}) runs past the ${bytes.byteLength}-byte message`,
      )
    const at = bytes.byteOffset + payloadStart + entry.offset
    return entry.dtype === 'f64'
      ? new Float64Array(bytes.buffer, at, entry.length)
      : entry.dtype === 'f32'
        ? new Float32Array(bytes.buffer, at, entry.length)
        : entry.dtype === 'u16'
          ? new Uint16Array(bytes.buffer, at, entry.length)
          : new Uint8Array(bytes.buffer, at, entry.length)
  })
  return { header, attachments }
}

/** Collects the parts of one reply; `complete` gives the frame with its typed arrays back in place. */
export class BinaryReplyAssembler {
  private frame: unknown = undefined
  private readonly attachments: Attachment[] = []
  private received = 0

  constructor(readonly parts: number) {}

  add(part: DecodedPart): void {
    const { header } = part
    if (header.parts !== this.parts || header.part !== this.received)
      throw new BinaryFrameError(
        `part ${header.part} of ${header.parts} arrived after ${this.received} of ${this.parts}`,
      )
    if (header.first !== this.attachments.length)
      throw new BinaryFrameError(
        `part ${header.part} starts at attachment ${header.first}, expected ${this.attachments.length}`,
      )
    if (header.part === 0) this.frame = header.frame
    this.attachments.push(...part.attachments)
    this.received++
  }

  get done(): boolean {
    return this.received === this.parts
  }

  /** The frame with every marker replaced by its typed array; a marker past the end is an error. */
  complete(): unknown {
    const attachments = this.attachments
    const restore = (value: unknown): unknown => {
      if (isMarker(value)) {
        const array = attachments[value.$attachment]
        if (!array) throw new BinaryFrameError(`a marker names attachment ${value.$attachment}, not sent`)
        return array
      }
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) value[i] = restore(value[i])
      } else if (typeof value === 'object' && value !== null) {
        const record = value as Record<string, unknown>
        for (const key of Object.keys(record)) record[key] = restore(record[key])
      }
      return value
    }
    return restore(this.frame)
  }
}
