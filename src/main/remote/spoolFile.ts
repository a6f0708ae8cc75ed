import { appendFileSync, existsSync, readFileSync } from 'node:fs'

/**
 * The node-side buffer of one task's trainer messages: one JSON line per message, numbered from 1, then
 * one `exit` line. Appended before each message is sent, so whatever the host did not take is on disk,
 * where the task (or, once the job is over, the host itself via the shared filesystem) can read it.
 */
export interface SpoolEntry {
  readonly seq: number
  readonly message: unknown
}

export interface SpoolExit {
  readonly code: number | null
  readonly signal: string | null
  readonly stderrTail?: string
}

export interface SpoolContents {
  readonly entries: readonly SpoolEntry[]
  readonly exit: SpoolExit | undefined
}

export function appendMessage(path: string, entry: SpoolEntry): void {
  appendFileSync(path, `${JSON.stringify(entry)}\n`)
}

export function appendExit(path: string, exit: SpoolExit): void {
  appendFileSync(path, `${JSON.stringify({ exit })}\n`)
}

/** Reads a spool; a torn last line (the node died mid-write) is ignored, as is a missing file. */
export function readSpool(path: string): SpoolContents {
  if (!existsSync(path)) return { entries: [], exit: undefined }
  const entries: SpoolEntry[] = []
  let exit: SpoolExit | undefined
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue
    let value: { seq?: unknown; message?: unknown; exit?: SpoolExit }
    try {
      value = JSON.parse(line) as typeof value
    } catch {
      continue
    }
    if (value.exit) exit = value.exit
    else if (typeof value.seq === 'number') entries.push({ seq: value.seq, message: value.message })
  }
  return { entries, exit }
}
