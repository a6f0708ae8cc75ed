import { z } from 'zod'
import { ApiErrorBody } from './apiError'
import { PushEvent } from './pushEvents'

/**
 * Frames of the headless shell's WebSocket (JSON text): requests with ids, their replies, pushed events.
 * A reply holding typed arrays comes as binary messages instead (binaryFrames.ts) when the request said
 * `binary: true`; otherwise its arrays are base64 strings in the JSON.
 */

export const RequestId = z.union([z.string().min(1).max(64), z.number().int()])

export const WireRequest = z.object({
  type: z.literal('request'),
  id: RequestId,
  method: z.string().min(1).max(64),
  params: z.unknown(),
  /** The client reads binary replies. */
  binary: z.boolean().optional(),
})
export type WireRequest = z.infer<typeof WireRequest>

export const WireResponse = z.discriminatedUnion('ok', [
  z.object({ type: z.literal('response'), id: RequestId, ok: z.literal(true), result: z.unknown() }),
  /** `id` is null when the request was too broken to read one. */
  z.object({
    type: z.literal('response'),
    id: RequestId.nullable(),
    ok: z.literal(false),
    error: ApiErrorBody,
  }),
])
export type WireResponse = z.infer<typeof WireResponse>

export const WireEvent = z.object({ type: z.literal('event'), event: PushEvent })
export type WireEvent = z.infer<typeof WireEvent>

export const ServerFrame = z.union([WireResponse, WireEvent])
export type ServerFrame = z.infer<typeof ServerFrame>
