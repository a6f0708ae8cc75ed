import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export const tokenCookie = 'chase_workbench_token'

const loopbackHosts = new Set(['127.0.0.1', '::1', 'localhost', '[::1]'])

export function isLoopback(host: string): boolean {
  return loopbackHosts.has(host) || host.startsWith('127.')
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
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim())
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

/**
 * Defends a token-less loopback server against other web pages in the user's browser: DNS rebinding
 * (a foreign Host header) and cross-site WebSockets (a foreign Origin). Scripts send neither.
 */
export function sameSiteRequest(request: IncomingMessage, bindHost: string): boolean {
  const hostHeader = request.headers.host
  if (!hostHeader) return false
  const hostName = hostHeader.replace(/:\d+$/, '')
  if (isLoopback(bindHost) && !isLoopback(hostName)) return false
  const origin = request.headers.origin
  if (origin === undefined) return true
  try {
    return new URL(origin).host === hostHeader
  } catch {
    return false
  }
}
