import { randomBytes } from 'node:crypto'

const two = (n: number) => String(n).padStart(2, '0')

/** `20261105-142233-3fa9c1`: sorts by creation time, readable on a command line, safe as a folder name. */
export function newRunId(now = new Date()): string {
  const date = `${now.getFullYear()}${two(now.getMonth() + 1)}${two(now.getDate())}`
  const time = `${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`
  return `${date}-${time}-${randomBytes(3).toString('hex')}`
}

export function newBenchId(now = new Date()): string {
  return `bench-${newRunId(now)}`
}
