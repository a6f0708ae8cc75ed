import { createReadStream, existsSync, statSync } from 'node:fs'
import type { ServerResponse } from 'node:http'
import { extname, join, normalize, resolve, sep } from 'node:path'

const mimeTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
}

export function rendererIsBuilt(rendererDir: string): boolean {
  return existsSync(join(rendererDir, 'index.html'))
}

/** The page served while `out/renderer` is missing: what to run, and that the API works meanwhile. */
export function notBuiltPage(rendererDir: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Chase Workbench: UI not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>The workbench UI is not built yet</h1>
<p>No <code>${rendererDir.replace(/[<>&]/g, '')}/index.html</code> was found. Run <code>npm run build</code> in the
project folder, then reload this page.</p>
<p>The API is already live on this server's WebSocket (<code>/api</code>), so the CLI and scripts work meanwhile.</p>
</body></html>`
}

/**
 * Serves a file of the built renderer; unknown paths without an extension get `index.html` (client-side
 * routes). Returns false when nothing matches. Paths are confined to `rendererDir`.
 */
export function serveStatic(rendererDir: string, pathname: string, response: ServerResponse): boolean {
  const root = resolve(rendererDir)
  let relative: string
  try {
    relative = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '')
  } catch {
    return false
  }
  let file = resolve(root, relative)
  if (file !== root && !file.startsWith(root + sep)) return false
  if (!existsSync(file) || statSync(file).isDirectory()) {
    if (extname(relative) !== '') return false
    file = join(root, 'index.html')
    if (!existsSync(file)) return false
  }
  const type = mimeTypes[extname(file).toLowerCase()] ?? 'application/octet-stream'
  const immutable = relative.startsWith('assets/')
  response.writeHead(200, {
    'content-type': type,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  })
  createReadStream(file).pipe(response)
  return true
}
