/** Display formatting shared by tables, charts and summaries; every function accepts null for "no value". */

const dash = '—'

// One formatter per fraction-digit count: `toLocaleString` with options builds a new one per call, and an
// axis formats hundreds of candidate labels while it lays out.
const plainFormats = new Map<number, Intl.NumberFormat>()
function plainFormat(maximumFractionDigits: number): Intl.NumberFormat {
  let format = plainFormats.get(maximumFractionDigits)
  if (!format) {
    format = new Intl.NumberFormat('en-US', { maximumFractionDigits })
    plainFormats.set(maximumFractionDigits, format)
  }
  return format
}

/**
 * Builds the formats charts use most, one per idle period: each `Intl.NumberFormat` costs tens of
 * milliseconds the first time, which otherwise land in the first chart's set-up.
 */
export function prepareNumberFormats(digits: readonly number[] = [0, 2, 3, 4]): void {
  const [first, ...rest] = digits
  if (first === undefined) return
  plainFormat(first)
  requestIdleCallback(() => prepareNumberFormats(rest))
}

/** A plain number with at most `digits` significant fraction digits; thousands grouped. */
export function formatNumber(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return dash
  if (Number.isInteger(value)) return plainFormat(0).format(value)
  const magnitude = Math.abs(value)
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e7))
    return value.toExponential(Math.max(1, digits - 1))
  return plainFormat(magnitude < 1 ? digits + 1 : digits).format(value)
}

/** 0.9312 → "93.12 %". */
export function formatPercent(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return dash
  return `${(value * 100).toFixed(digits)} %`
}

/** A ratio to dense, 0.3412 → "0.341×". */
export function formatRatio(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return dash
  return `${value.toFixed(digits)}×`
}

/** 3725 → "1 h 2 min", 75 → "1 min 15 s". */
export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return dash
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s} s`
  const minutes = Math.floor(s / 60)
  if (minutes < 60) return s % 60 ? `${minutes} min ${s % 60} s` : `${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `${hours} h ${minutes % 60} min`
  return `${Math.floor(hours / 24)} d ${hours % 24} h`
}

/** Milliseconds since the epoch → "2026-11-21 10:42". */
export function formatTimestamp(at: number | null | undefined): string {
  if (at === null || at === undefined) return dash
  const d = new Date(at)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** As formatTimestamp, without the year when it is the current one: "11-21 10:42". */
export function formatShortTimestamp(at: number | null | undefined, now = Date.now()): string {
  const full = formatTimestamp(at)
  if (at === null || at === undefined) return full
  return new Date(at).getFullYear() === new Date(now).getFullYear() ? full.slice(5) : full
}

/** 1234567 → "1.23 M" (MACs, parameters). */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return dash
  const units = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ] as const
  for (const [size, unit] of units) if (Math.abs(value) >= size) return `${(value / size).toFixed(2)} ${unit}`
  return String(Math.round(value))
}

/** 17179869184 → "16.0 GiB". */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return dash
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`
}
