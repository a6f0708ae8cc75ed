import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { applySavedDataFolder, chooseDataFolder } from '../../../src/main/electron/dataFolder'
import { createFakeElectron } from './fakeElectron'

describe('the data folder picker', () => {
  it('makes the chosen folder the trainers’ data folder and remembers it for the next start', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'data-folder-')), 'settings', 'data-folder.json')
    const fake = createFakeElectron({ openDialogFolder: '/srv/datasets' })
    const env: NodeJS.ProcessEnv = {}
    const window = new fake.electron.BrowserWindow({})
    expect(await chooseDataFolder(fake.electron.dialog as never, window as never, file, env)).toBe(
      '/srv/datasets',
    )
    expect(env.CHASE_WORKBENCH_DATA).toBe('/srv/datasets')
    expect(fake.messageBoxes).toEqual([expect.objectContaining({ message: 'Data folder: /srv/datasets' })])
    const nextStart: NodeJS.ProcessEnv = {}
    applySavedDataFolder(file, nextStart)
    expect(nextStart.CHASE_WORKBENCH_DATA).toBe('/srv/datasets')
  })

  it('changes nothing when the picker is cancelled, and never overrides an explicit environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'data-folder-'))
    const fake = createFakeElectron()
    const env: NodeJS.ProcessEnv = {}
    const window = new fake.electron.BrowserWindow({})
    expect(
      await chooseDataFolder(fake.electron.dialog as never, window as never, join(dir, 'f.json'), env),
    ).toBeNull()
    expect(env.CHASE_WORKBENCH_DATA).toBeUndefined()
    writeFileSync(join(dir, 'saved.json'), JSON.stringify({ dataFolder: '/remembered' }))
    const explicit: NodeJS.ProcessEnv = { CHASE_WORKBENCH_DATA: '/from-env' }
    applySavedDataFolder(join(dir, 'saved.json'), explicit)
    expect(explicit.CHASE_WORKBENCH_DATA).toBe('/from-env')
  })
})
