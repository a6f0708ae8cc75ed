import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, resolve } from 'node:path'
import { tarGz } from './tarGz'

/**
 * A dataset mirror on 127.0.0.1 for tests (the only network they use), laid out the way
 * `CHASE_WORKBENCH_DATA_MIRROR` expects: `/fashion-mnist/<file>.gz` (the committed Fashion-MNIST
 * fixture) and `/cifar-10-batches-bin/cifar-10-binary.tar.gz` (the CIFAR-10 fixture, archived), each
 * with a `manifest.json` of the checksums and sizes computed here. `fault` breaks every file download in
 * one of the ways the internet does.
 */
export type MirrorFault =
  /** The manifest's md5 is not the file's. */
  | 'wrong-checksum'
  /** A clean answer with only the first half of each file. */
  | 'truncated'
  /** Half of each file, then silence (the socket stays open). */
  | 'slow'
  /** Half of each file, then the connection is cut. */
  | 'dropped'
  /** The first request of each file is cut half-way; Range requests then get the rest. */
  | 'dropped-once'
  /** More bytes than the manifest says. */
  | 'oversize'
  /** A redirect to a file: URL. */
  | 'redirect-scheme'

export interface DataMirror {
  /** Ends with a slash: the value for CHASE_WORKBENCH_DATA_MIRROR. */
  readonly url: string
  /** Every request, as "GET /path range", in order. */
  readonly requests: string[]
  setFault(fault: MirrorFault | null): void
  close(): Promise<void>
}

const fixtures = resolve(import.meta.dirname, '../fixtures/data')

async function mirrorFiles(): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>()
  const fashion = join(fixtures, 'fashion-mnist')
  for (const name of (await readdir(fashion)).sort())
    files.set(`/fashion-mnist/${name}`, await readFile(join(fashion, name)))
  const cifar = join(fixtures, 'cifar-10-batches-bin')
  const entries: Record<string, Uint8Array> = {}
  for (const name of (await readdir(cifar)).sort())
    entries[`cifar-10-batches-bin/${name}`] = await readFile(join(cifar, name))
  files.set('/cifar-10-batches-bin/cifar-10-binary.tar.gz', tarGz(entries))
  return files
}

function manifests(files: Map<string, Buffer>, wrong: boolean): Map<string, string> {
  const byFolder = new Map<string, { name: string; md5: string; bytes: number }[]>()
  for (const [path, bytes] of files) {
    const [, folder, name] = path.split('/') as [string, string, string]
    const md5 = wrong ? '0'.repeat(32) : createHash('md5').update(bytes).digest('hex')
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), { name, md5, bytes: bytes.length }])
  }
  return new Map(
    [...byFolder].map(([folder, list]) => [`/${folder}/manifest.json`, JSON.stringify({ files: list })]),
  )
}

export interface DataMirrorOptions {
  readonly port?: number
  readonly fault?: MirrorFault
  /** Send good files at about this rate (so a progress bar can be seen); default as fast as possible. */
  readonly bytesPerSecond?: number
}

export async function startDataMirror(options: DataMirrorOptions = {}): Promise<DataMirror> {
  const files = await mirrorFiles()
  let fault: MirrorFault | null = options.fault ?? null
  const requests: string[] = []
  const droppedOnce = new Set<string>()
  const open = new Set<ServerResponse>()
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0]!
    const range = request.headers.range
    requests.push(`${request.method} ${path}${range ? ` ${range}` : ''}`)
    const manifest = manifests(files, fault === 'wrong-checksum').get(path)
    if (manifest !== undefined) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(manifest)
      return
    }
    const body = files.get(path)
    if (body === undefined) {
      response.writeHead(404).end('not on this mirror')
      return
    }
    open.add(response)
    response.on('close', () => open.delete(response))
    const half = body.subarray(0, body.length >> 1)
    switch (fault) {
      case 'redirect-scheme':
        response.writeHead(302, { location: 'file:///etc/passwd' }).end()
        return
      case 'truncated':
        response.writeHead(200, { 'content-length': half.length }).end(half)
        return
      case 'oversize':
        response.writeHead(200, { 'content-length': body.length + 4096 })
        response.end(Buffer.concat([body, Buffer.alloc(4096)]))
        return
      case 'slow':
        response.writeHead(200, { 'content-length': body.length })
        response.write(half)
        return
      case 'dropped':
        cutAfterHalf(response, body)
        return
      case 'dropped-once':
        if (!droppedOnce.has(path) && range === undefined) {
          droppedOnce.add(path)
          cutAfterHalf(response, body)
          return
        }
        break
      default:
        break
    }
    const start = /^bytes=(\d+)-$/.exec(range ?? '')
    if (start) {
      const from = Number(start[1])
      if (from >= body.length) {
        response.writeHead(416, { 'content-range': `bytes */${body.length}` }).end()
        return
      }
      response.writeHead(206, {
        'content-length': body.length - from,
        'content-range': `bytes ${from}-${body.length - 1}/${body.length}`,
      })
      send(response, body.subarray(from), options.bytesPerSecond)
      return
    }
    response.writeHead(200, { 'content-length': body.length, 'accept-ranges': 'bytes' })
    send(response, body, options.bytesPerSecond)
  })
  await new Promise<void>((done) => server.listen(options.port ?? 0, '127.0.0.1', done))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    setFault: (next) => {
      fault = next
    },
    close: () =>
      new Promise<void>((done) => {
        for (const response of open) response.destroy()
        server.closeAllConnections()
        server.close(() => done())
      }),
  }
}

/** The body in tenth-of-a-second slices at `bytesPerSecond`, or in two writes (so it arrives in parts). */
function send(response: ServerResponse, body: Buffer, bytesPerSecond: number | undefined): void {
  const slice = bytesPerSecond ? Math.max(1, Math.round(bytesPerSecond / 10)) : Math.max(1, body.length >> 1)
  let at = 0
  const next = () => {
    if (response.destroyed) return
    const end = Math.min(body.length, at + slice)
    const chunk = body.subarray(at, end)
    at = end
    if (at >= body.length) response.end(chunk)
    else {
      response.write(chunk)
      setTimeout(next, bytesPerSecond ? 100 : 5)
    }
  }
  next()
}

/** Sends the headers and half the body, then cuts the connection (a dropped transfer). */
function cutAfterHalf(response: ServerResponse, body: Buffer): void {
  response.writeHead(200, { 'content-length': body.length })
  response.write(body.subarray(0, body.length >> 1), () => setTimeout(() => response.socket?.destroy(), 20))
}
