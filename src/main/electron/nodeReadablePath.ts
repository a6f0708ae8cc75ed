import { existsSync } from 'node:fs'

export type NodeReadablePath =
  { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string }

const insideAsar = /([\\/])app\.asar(?=[\\/])/

/**
 * The path under which Node.js outside Electron can read a file of the app. Files inside `app.asar`
 * exist only for Electron's patched fs (so an `existsSync` in the main process says yes while a forked
 * Node.js cannot load them); electron-builder's `asarUnpack` puts real copies in `app.asar.unpacked`.
 */
export function nodeReadablePath(
  path: string,
  exists: (path: string) => boolean = existsSync,
): NodeReadablePath {
  if (!insideAsar.test(path)) return { ok: true, path }
  const unpacked = path.replace(insideAsar, '$1app.asar.unpacked')
  if (exists(unpacked)) return { ok: true, path: unpacked }
  return {
    ok: false,
    reason:
      `This installed build keeps the trainer inside app.asar (${path}), which Node.js cannot read, and does ` +
      'not unpack it: train webgpu runs with `chase-workbench serve` or from a source checkout (`npm start`)',
  }
}
