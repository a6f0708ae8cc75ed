/** Left-aligned text columns separated by two spaces (numbers right-aligned). */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const numeric = header.map(
    (_, i) => rows.length > 0 && rows.every((r) => /^-?[\d.,]+%?$|^—$/.test(r[i] ?? '')),
  )
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  return [line(header), ...rows.map(line)].join('\n')
}

export const percent = (x: number | null | undefined, digits = 2) =>
  x === null || x === undefined ? '—' : `${(x * 100).toFixed(digits)}%`

export function shortDate(ms: number | null): string {
  if (ms === null) return '—'
  const d = new Date(ms)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`
}

/** Joins `items` with ", " into lines of at most `width` characters, later lines indented by `indent`. */
export function wrapList(items: readonly string[], width: number, indent: string): string {
  const lines: string[] = []
  let line = ''
  for (const [i, item] of items.entries()) {
    const piece = i < items.length - 1 ? `${item},` : item
    if (line && line.length + 1 + piece.length > width) {
      lines.push(line)
      line = piece
    } else line = line ? `${line} ${piece}` : piece
  }
  if (line) lines.push(line)
  return lines.join(`\n${indent}`)
}
