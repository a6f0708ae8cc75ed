import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { DatasetName } from '../../shared/data/datasets'
import { DatasetError } from './datasetError'
import type { FileDatasetName } from './datasetLocations'

/**
 * Folders the user pointed at ("use this folder" on the datasets page, `data use`), kept in
 * `<data root>/folders.json` so the app, the CLI and every trainer look there first.
 */
const ChosenFolders = z.partialRecord(DatasetName, z.string().min(1))
export type ChosenFolders = Partial<Record<FileDatasetName, string>>

export function chosenFoldersFile(root: string): string {
  return join(root, 'folders.json')
}

/** The chosen folders; none when the file is absent. A damaged file is an error that names it. */
export async function readChosenFolders(root: string): Promise<ChosenFolders> {
  const file = chosenFoldersFile(root)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw error
  }
  const parsed = ChosenFolders.safeParse(safeJson(text))
  if (!parsed.success)
    throw new DatasetError(
      `${file} is damaged (${parsed.error.issues[0]?.message}): delete it and choose the folders again`,
      file,
    )
  return parsed.data as ChosenFolders
}

/** Records `folder` for `name` (written to a temporary file, then renamed: never half a file). */
export async function chooseFolder(root: string, name: FileDatasetName, folder: string): Promise<void> {
  const chosen = await readChosenFolders(root)
  chosen[name] = folder
  await mkdir(root, { recursive: true })
  const file = chosenFoldersFile(root)
  await writeFile(`${file}.tmp`, `${JSON.stringify(chosen, null, 2)}\n`)
  await rename(`${file}.tmp`, file)
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}
