/** A run, benchmark or file that does not exist; the API answers `not-found`. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError'
}

/** An action the run's current state forbids (pausing a finished run, deleting a running one). */
export class ConflictError extends Error {
  override readonly name = 'ConflictError'
}
