/**
 * A dataset problem the user can fix: a missing folder, a truncated or wrong-format file, an unreachable
 * download. The message names the file, what is wrong and what to do; the trainer reports it as a
 * `failed` event of kind `data` without a stack trace.
 */
export class DatasetError extends Error {
  override readonly name = 'DatasetError'
  readonly kind = 'data'

  constructor(
    message: string,
    /** The file or folder at fault, when there is one. */
    readonly path?: string,
  ) {
    super(message)
  }
}

/** `12,292,000` rather than `12292000` in messages. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US')
}
