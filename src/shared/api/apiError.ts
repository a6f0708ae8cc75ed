import { z } from 'zod'

export const ApiErrorCode = z.enum([
  'invalid-request',
  'unknown-method',
  'not-found',
  'conflict',
  'unauthorized',
  'unavailable',
  'internal',
])
export type ApiErrorCode = z.infer<typeof ApiErrorCode>

/** What every transport sends back when a call fails: a code to branch on and a message for people. */
export const ApiErrorBody = z.object({
  code: ApiErrorCode,
  message: z.string(),
  /** Per-field problems of an invalid request (e.g. a config), one line each. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
})
export type ApiErrorBody = z.infer<typeof ApiErrorBody>

export class ApiError extends Error {
  override readonly name = 'ApiError'
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly issues?: ApiErrorBody['issues'],
  ) {
    super(message)
  }

  toBody(): ApiErrorBody {
    return this.issues
      ? { code: this.code, message: this.message, issues: this.issues }
      : { code: this.code, message: this.message }
  }

  static fromBody(body: ApiErrorBody): ApiError {
    return new ApiError(body.code, body.message, body.issues)
  }
}
