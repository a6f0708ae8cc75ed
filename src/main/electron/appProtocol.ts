import { readFile } from 'node:fs/promises'
import { extname, relative, resolve, sep } from 'node:path'
import type { Protocol } from 'electron'
import { contentSecurityPolicy } from './security'

/**
 * The renderer is served from `app://workbench/…`, a standard, secure scheme of our own, instead of
 * `file://`: the page gets a real origin ('self' in the CSP means our bundle, not the whole disk) and
 * nothing outside the renderer folder can be read through it.
 */
export const appScheme = 'app'
export const appOrigin = `${appScheme}://workbench`
export const appIndexUrl = `${appOrigin}/index.html`

/** Must run before the app is ready (Electron's rule for privileged schemes). */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: appScheme,
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ])
}

export function isAppProtocolUrl(url: string): boolean {
  return url.startsWith(`${appOrigin}/`) || url === appOrigin
}

/** The file an `app://workbench/…` URL names inside `rendererDir`, or null for anything else. */
export function rendererFileFor(url: string, rendererDir: string): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (`${parsed.protocol}//${parsed.host}` !== appOrigin) return null
  let path: string
  try {
    path = decodeURIComponent(parsed.pathname)
  } catch {
    return null
  }
  if (path.includes('\0')) return null
  const file = resolve(rendererDir, `.${path === '/' ? '/index.html' : path}`)
  const inside = relative(resolve(rendererDir), file)
  if (inside === '' || inside.startsWith('..') || inside.startsWith(sep) || resolve(inside) === inside)
    return null
  return file
}

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
}

/** Answers one request of the app scheme: the file with its type and our CSP, or 404. */
export async function serveRendererFile(request: Request, rendererDir: string): Promise<Response> {
  const file = request.method === 'GET' ? rendererFileFor(request.url, rendererDir) : null
  if (!file) return new Response('Not found', { status: 404 })
  try {
    const body = await readFile(file)
    return new Response(body, {
      headers: {
        'Content-Type': contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Security-Policy': contentSecurityPolicy,
        'X-Content-Type-Options': 'nosniff',
      },
    })
  } catch {
    return new Response('Not found', { status: 404 })
  }
}

export function serveRenderer(protocol: Pick<Protocol, 'handle'>, rendererDir: string): void {
  protocol.handle(appScheme, (request) => serveRendererFile(request, rendererDir))
}
