import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { BrowserWindow, Dialog } from 'electron'

/**
 * The desktop's data folder: the folder picker's choice becomes `CHASE_WORKBENCH_DATA` for every trainer
 * started from then on (the first place datasets are looked for and downloaded to), and is remembered.
 * An explicit `CHASE_WORKBENCH_DATA` in the environment wins over the remembered choice.
 */
export function applySavedDataFolder(file: string, env: NodeJS.ProcessEnv): void {
  if (env.CHASE_WORKBENCH_DATA) return
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { dataFolder?: unknown }
    if (typeof saved.dataFolder === 'string' && saved.dataFolder) env.CHASE_WORKBENCH_DATA = saved.dataFolder
  } catch {
    // Nothing chosen yet.
  }
}

/** Shows the folder picker; returns the chosen folder, or null when the user cancelled. */
export async function chooseDataFolder(
  dialog: Pick<Dialog, 'showOpenDialog' | 'showMessageBox'>,
  window: BrowserWindow,
  file: string,
  env: NodeJS.ProcessEnv,
): Promise<string | null> {
  const { canceled, filePaths } = await dialog.showOpenDialog(window, {
    title: 'Choose the folder that holds your datasets',
    buttonLabel: 'Use this folder',
    properties: ['openDirectory', 'createDirectory'],
    ...(env.CHASE_WORKBENCH_DATA ? { defaultPath: env.CHASE_WORKBENCH_DATA } : {}),
  })
  const folder = filePaths[0]
  if (canceled || !folder) return null
  env.CHASE_WORKBENCH_DATA = folder
  let detail = 'New runs look for datasets there first, and downloads go there.'
  try {
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, JSON.stringify({ dataFolder: folder }))
  } catch (error) {
    detail += ` It could not be remembered for the next start (${String(error)}).`
  }
  await dialog.showMessageBox(window, { type: 'info', message: `Data folder: ${folder}`, detail })
  return folder
}
