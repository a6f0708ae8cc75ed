/** Where the host reports what it rejected or could not do; the shells decide where lines go. */
export interface HostLogger {
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

export const silentLogger: HostLogger = { info() {}, warn() {}, error() {} }

export function streamLogger(stream: NodeJS.WritableStream, prefix = 'chase-workbench'): HostLogger {
  const line = (level: string) => (message: string) => void stream.write(`${prefix} ${level}: ${message}\n`)
  return { info: line('info'), warn: line('warn'), error: line('error') }
}

/** Keeps lines in memory (tests, and the last errors a UI may show). */
export class MemoryLogger implements HostLogger {
  readonly lines: { level: 'info' | 'warn' | 'error'; message: string }[] = []
  info(message: string): void {
    this.lines.push({ level: 'info', message })
  }
  warn(message: string): void {
    this.lines.push({ level: 'warn', message })
  }
  error(message: string): void {
    this.lines.push({ level: 'error', message })
  }
}
