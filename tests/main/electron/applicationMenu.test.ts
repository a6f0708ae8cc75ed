import type { MenuItemConstructorOptions } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import { applicationMenuTemplate } from '../../../src/main/electron/applicationMenu'

const items = (template: MenuItemConstructorOptions[]) =>
  template.flatMap((menu) => [menu, ...((menu.submenu as MenuItemConstructorOptions[] | undefined) ?? [])])

describe('the application menu', () => {
  it('has no Reload or DevTools in a shipped app, and both in development', () => {
    const actions = { chooseDataFolder: () => {}, quit: () => {} }
    const roles = (development: boolean) =>
      items(applicationMenuTemplate('linux', development, actions)).map((i) => i.role)
    expect(roles(false)).not.toContain('reload')
    expect(roles(false)).not.toContain('toggleDevTools')
    expect(roles(true)).toEqual(expect.arrayContaining(['reload', 'toggleDevTools']))
    expect(roles(false)).toEqual(expect.arrayContaining(['copy', 'paste', 'selectAll', 'zoomIn']))
  })

  it('puts Quit in the app menu on macOS and in File elsewhere, wired to our quit', () => {
    const quit = vi.fn()
    const mac = applicationMenuTemplate('darwin', false, { chooseDataFolder: () => {}, quit })
    expect(mac[0]!.label).toBe('Chase Workbench')
    const macQuit = items(mac).find((i) => i.label === 'Quit Chase Workbench')!
    ;(macQuit.click as () => void)()
    expect(quit).toHaveBeenCalledOnce()
    const linux = applicationMenuTemplate('linux', false, { chooseDataFolder: () => {}, quit })
    expect(linux[0]!.label).toBe('File')
    expect(items(linux).some((i) => i.label === 'Quit' && i.accelerator === 'CmdOrCtrl+Q')).toBe(true)
  })

  it('opens the data folder picker from File', () => {
    const chooseDataFolder = vi.fn()
    const template = applicationMenuTemplate('win32', false, { chooseDataFolder, quit: () => {} })
    ;(items(template).find((i) => i.label === 'Choose Data Folder…')!.click as () => void)()
    expect(chooseDataFolder).toHaveBeenCalledOnce()
  })
})
