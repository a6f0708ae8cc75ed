import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isAppProtocolUrl, rendererFileFor } from '../../../src/main/electron/appProtocol'

const rendererDir = resolve('/opt/workbench/out/renderer')

describe('the app:// scheme', () => {
  it('maps app URLs to files inside the renderer folder, the root to index.html', () => {
    expect(rendererFileFor('app://workbench/', rendererDir)).toBe(join(rendererDir, 'index.html'))
    expect(rendererFileFor('app://workbench/assets/index-1.js?x=1#/runs', rendererDir)).toBe(
      join(rendererDir, 'assets/index-1.js'),
    )
  })

  it('keeps dot segments inside the folder (the URL parser drops them at its root)', () => {
    expect(rendererFileFor('app://workbench/../main/index.js', rendererDir)).toBe(
      join(rendererDir, 'main/index.js'),
    )
  })

  it('refuses traversal, other hosts, other schemes and malformed escapes', () => {
    for (const url of [
      'app://workbench/..%2F..%2Fworkbench.db',
      'app://workbench/assets/%00.js',
      'app://workbench/%E0%A4%A',
      'app://other/index.html',
      'file:///opt/workbench/out/renderer/index.html',
      'not a url',
    ]) {
      expect(rendererFileFor(url, rendererDir), url).toBeNull()
    }
  })

  it('tells app URLs from others', () => {
    expect(isAppProtocolUrl('app://workbench/index.html#/runs')).toBe(true)
    expect(isAppProtocolUrl('app://workbench.evil.com/index.html')).toBe(false)
    expect(isAppProtocolUrl('https://workbench/')).toBe(false)
  })
})
