import type { MenuItemConstructorOptions } from 'electron'

export interface MenuActions {
  readonly chooseDataFolder: () => void
  readonly quit: () => void
}

/**
 * Our own menu instead of Electron's default: no Reload (it would drop the live views mid-run) and no
 * DevTools outside development; Edit keeps the clipboard shortcuts text fields need on macOS.
 */
export function applicationMenuTemplate(
  platform: NodeJS.Platform,
  development: boolean,
  actions: MenuActions,
): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin'
  const quit: MenuItemConstructorOptions = {
    label: mac ? 'Quit Chase Workbench' : 'Quit',
    accelerator: 'CmdOrCtrl+Q',
    click: () => actions.quit(),
  }
  const chooseData: MenuItemConstructorOptions = {
    label: 'Choose Data Folder…',
    accelerator: 'CmdOrCtrl+O',
    click: () => actions.chooseDataFolder(),
  }
  const view: MenuItemConstructorOptions[] = [
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ]
  if (development) view.push({ type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' })
  return [
    ...(mac
      ? [
          {
            label: 'Chase Workbench',
            submenu: [
              { role: 'about' },
              { type: 'separator' },
              { role: 'hide' },
              { role: 'hideOthers' },
              { role: 'unhide' },
              { type: 'separator' },
              quit,
            ],
          } satisfies MenuItemConstructorOptions,
        ]
      : []),
    {
      label: 'File',
      submenu: mac ? [chooseData, { role: 'close' }] : [chooseData, { type: 'separator' }, quit],
    },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
  ]
}
