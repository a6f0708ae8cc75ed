import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { BrowserWindow, Rectangle } from 'electron'

export interface WindowState {
  readonly bounds: Rectangle
  readonly maximized: boolean
}

const minimumVisible = 64

/**
 * The saved window state, or null when there is none, it is unreadable, or its place is on no display
 * any more (an unplugged monitor): the window then opens at the default size, centred.
 */
export function loadWindowState(
  file: string,
  displays: readonly { workArea: Rectangle }[],
): WindowState | null {
  let saved: unknown
  try {
    saved = JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return null
  }
  if (!isWindowState(saved)) return null
  const { bounds } = saved
  const visible = displays.some(({ workArea: a }) => {
    const width = Math.min(bounds.x + bounds.width, a.x + a.width) - Math.max(bounds.x, a.x)
    const height = Math.min(bounds.y + bounds.height, a.y + a.height) - Math.max(bounds.y, a.y)
    return width >= minimumVisible && height >= minimumVisible
  })
  return visible ? saved : null
}

/** Saves the normal (unmaximised) bounds when the window closes; a failed write only costs the place. */
export function rememberWindowState(window: BrowserWindow, file: string): void {
  window.on('close', () => {
    const state: WindowState = { bounds: window.getNormalBounds(), maximized: window.isMaximized() }
    try {
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, JSON.stringify(state))
    } catch {
      // Best effort: the next start opens at the default place.
    }
  })
}

function isWindowState(value: unknown): value is WindowState {
  if (typeof value !== 'object' || value === null) return false
  const { bounds, maximized } = value as Partial<WindowState>
  if (typeof maximized !== 'boolean' || typeof bounds !== 'object' || bounds === null) return false
  return (
    (['x', 'y', 'width', 'height'] as const).every(
      (key) => typeof bounds[key] === 'number' && Number.isFinite(bounds[key]),
    ) &&
    bounds.width > 0 &&
    bounds.height > 0
  )
}
