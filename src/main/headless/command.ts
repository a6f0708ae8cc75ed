/** One CLI subcommand. Each lives in its own file under `commands/` and is loaded only when used. */
export interface Command {
  readonly name: string
  /** One line for `--help`. */
  readonly summary: string
  /** Usage text for `chase-workbench <name> --help`. */
  readonly usage: string
  run(args: readonly string[], io: CommandIo): Promise<number>
}

export interface CommandIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }
  readonly stderr: NodeJS.WritableStream
  readonly env: NodeJS.ProcessEnv
  readonly cwd: string
}

/** A user mistake on the command line: printed as one clear line with exit code 2, never a stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}
