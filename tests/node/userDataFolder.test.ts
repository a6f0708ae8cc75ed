import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { resolveDataPaths } from '../../src/main/host/dataPaths'
import { userDataFolder } from '../../src/node/userDataFolder'
import { dataRoot } from '../../src/trainer/data/datasetLocations'

describe('userDataFolder', () => {
  it('follows XDG on Linux and ignores a relative XDG_DATA_HOME', () => {
    expect(userDataFolder({ XDG_DATA_HOME: '/xdg' }, 'linux', '/home/me')).toBe('/xdg/chase-workbench')
    expect(userDataFolder({ XDG_DATA_HOME: 'rel' }, 'linux', '/home/me')).toBe(
      '/home/me/.local/share/chase-workbench',
    )
  })

  it('uses Application Support on macOS and APPDATA on Windows, never LOCALAPPDATA', () => {
    expect(userDataFolder({}, 'darwin', '/Users/me')).toBe(
      '/Users/me/Library/Application Support/chase-workbench',
    )
    const windows = userDataFolder(
      { APPDATA: 'C:/Roaming', LOCALAPPDATA: 'C:/Local' },
      'win32',
      'C:/Users/me',
    )
    expect(windows).toBe(join('C:/Roaming', 'chase-workbench'))
  })

  it('puts the dataset root beside the run store, with the same XDG rule', () => {
    for (const env of [{ XDG_DATA_HOME: '/xdg' }, { XDG_DATA_HOME: 'relative' }, {}]) {
      const store = resolveDataPaths({ env, platform: process.platform, home: '/home/me' })
      expect(dataRoot({ env, home: '/home/me' })).toBe(join(store.dataDir, 'datasets'))
    }
    expect(dataRoot({ env: { CHASE_WORKBENCH_DATA: '/data', XDG_DATA_HOME: '/xdg' } })).toBe('/data')
  })
})
