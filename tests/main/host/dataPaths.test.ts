import { describe, expect, it } from 'vitest'
import { defaultDataDir, resolveDataPaths, runDirFor } from '../../../src/main/host/dataPaths'

describe('data paths', () => {
  it('uses XDG_DATA_HOME on Linux, else ~/.local/share', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: '/data/me' }, 'linux', '/home/me')).toBe(
      '/data/me/chase-workbench',
    )
    expect(defaultDataDir({}, 'linux', '/home/me')).toBe('/home/me/.local/share/chase-workbench')
    // The XDG spec: a relative XDG_DATA_HOME is invalid and ignored.
    expect(defaultDataDir({ XDG_DATA_HOME: 'rel' }, 'linux', '/home/me')).toBe(
      '/home/me/.local/share/chase-workbench',
    )
  })

  it('uses Application Support on macOS and APPDATA on Windows', () => {
    expect(defaultDataDir({}, 'darwin', '/Users/me')).toBe(
      '/Users/me/Library/Application Support/chase-workbench',
    )
    expect(defaultDataDir({ APPDATA: 'C:/Users/me/AppData/Roaming' }, 'win32', 'C:/Users/me')).toContain(
      'Roaming/chase-workbench',
    )
  })

  it('lets --db win over CHASE_WORKBENCH_DB, which wins over the default', () => {
    const env = { CHASE_WORKBENCH_DB: '/env/runs.db', XDG_DATA_HOME: '/xdg' }
    expect(resolveDataPaths({ db: 'local.db', env, cwd: '/work', platform: 'linux' })).toEqual({
      dbPath: '/work/local.db',
      dataDir: '/work',
    })
    expect(resolveDataPaths({ env, cwd: '/work', platform: 'linux' }).dbPath).toBe('/env/runs.db')
    expect(resolveDataPaths({ env: { XDG_DATA_HOME: '/xdg' }, platform: 'linux' })).toEqual({
      dbPath: '/xdg/chase-workbench/workbench.db',
      dataDir: '/xdg/chase-workbench',
    })
  })

  it('puts each run folder beside the database', () => {
    expect(runDirFor('/data', 'r1')).toBe('/data/runs/r1')
  })
})
