import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadWindowState, rememberWindowState } from '../../../src/main/electron/windowState'
import { createFakeElectron } from './fakeElectron'

const displays = [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }]

describe('the remembered window', () => {
  it('saves the bounds when the window closes and restores them on a display that is still there', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'window-')), 'nested', 'window-state.json')
    const window = new (createFakeElectron().electron.BrowserWindow)({ width: 1000, height: 700 })
    rememberWindowState(window as never, file)
    window.close()
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      bounds: { x: 10, y: 20, width: 1000, height: 700 },
      maximized: false,
    })
    expect(loadWindowState(file, displays)).toEqual({
      bounds: { x: 10, y: 20, width: 1000, height: 700 },
      maximized: false,
    })
  })

  it('opens at the default place when the saved one is off every display, unreadable or missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'window-'))
    const offScreen = join(dir, 'off.json')
    writeFileSync(
      offScreen,
      JSON.stringify({ bounds: { x: 3000, y: 0, width: 800, height: 600 }, maximized: false }),
    )
    expect(loadWindowState(offScreen, displays)).toBeNull()
    const corrupt = join(dir, 'corrupt.json')
    writeFileSync(corrupt, '{"bounds":{"x":"left"}')
    expect(loadWindowState(corrupt, displays)).toBeNull()
    const wrongShape = join(dir, 'shape.json')
    writeFileSync(
      wrongShape,
      JSON.stringify({ bounds: { x: 0, y: 0, width: -5, height: 600 }, maximized: false }),
    )
    expect(loadWindowState(wrongShape, displays)).toBeNull()
    expect(loadWindowState(join(dir, 'missing.json'), displays)).toBeNull()
  })
})
