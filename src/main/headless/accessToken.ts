import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { isIPv4 } from 'node:net'

export const tokenCookie = 'chase_workbench_token'

const loopbackNames = new Set(['localhost', '::1', '[::1]'])

/** Real loopback only: `localhost`, `[::1]` and 127/8 as an IP literal (`127.evil.example` is a DNS name). */
export function isLoopback(host: string): boolean {
  const name = host.toLowerCase()
  return loopbackNames.has(name) || (isIPv4(name) && name.startsWith('127.'))
}

export function newAccessToken(): string {
  return randomBytes(24).toString('base64url')
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const eq = part.indexOf('=')
    if (eq <= 0 || part.slice(0, eq).trim() !== name) continue
    try {
      return decodeURIComponent(part.slice(eq + 1).trim())
    } catch {
      // A cookie that is not valid percent-encoding carries no token; it must not throw out of a handler.
      return undefined
    }
  }
  return undefined
}

/** The token a request carries: `?token=`, `Authorization: Bearer`, or the cookie set by the first visit. */
export function presentedToken(request: IncomingMessage, url: URL): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]
  return url.searchParams.get('token') ?? bearer ?? cookieValue(request.headers.cookie, tokenCookie)
}

export function tokenMatches(request: IncomingMessage, url: URL, token: string | null): boolean {
  if (token === null) return true
  const given = presentedToken(request, url)
  return given !== undefined && sameSecret(given, token)
}

/** Splits a Host header into name and port (`[::1]:80` → `[::1]`, 80); null when it is not one. */
export function parseHostHeader(header: string): { name: string; port: number | null } | null {
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(header)
  if (!match) return null
  const port = match[2] === undefined ? null : Number(match[2])
  if (port !== null && port > 65535) return null
  return { name: match[1]!, port }
}

/**
 * Defends a token-less loopback server against other web pages in the user's browser: DNS rebinding
 * (a foreign Host header, or a loopback one naming another port) and cross-site WebSockets (a foreign
 * Origin). Scripts send neither.
 */
export function sameSiteRequest(request: IncomingMessage, bindHost: string, listenPort?: number): boolean {
  const hostHeader = request.headers.host
  if (!hostHeader) return false
  const host = parseHostHeader(hostHeader)
  if (!host) return false
  if (isLoopback(bindHost)) {
    if (!isLoopback(host.name)) return false
    // Browsers leave out only the default port.
    if (listenPort !== undefined && (host.port ?? 80) !== listenPort) return false
  }
  const origin = request.headers.origin
  if (origin === undefined) return true
  try {
    return new URL(origin).host === new URL(`http://${hostHeader}`).host
  } catch {
    return false
  }
}
