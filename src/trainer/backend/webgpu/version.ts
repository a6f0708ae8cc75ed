import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

/**
 * tfjs-backend-webgpu's version, read from its package.json: importing the package just to ask would
 * load it (and register its own factory) in trainers that never use the GPU.
 */
export const version_webgpu: string = (() => {
  try {
    const path = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-webgpu/package.json')
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version
  } catch {
    return 'not installed'
  }
})()
