import { homedir } from 'node:os'
import { join } from 'node:path'

export const appFolderName = 'chase-workbench'

/**
 * The user's data folder for the workbench, the one rule the run store and the dataset root share:
 * `$XDG_DATA_HOME/chase-workbench` (else `~/.local/share/chase-workbench`) on Linux,
 * `~/Library/Application Support/chase-workbench` on macOS, `%APPDATA%\chase-workbench` on Windows
 * (where Electron keeps an app's data too).
 */
export function userDataFolder(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
  home = homedir(),
): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', appFolderName)
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), appFolderName)
  const xdg = env.XDG_DATA_HOME
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  return join(xdg && xdg.startsWith('/') ? xdg : join(home, '.local', 'share'), appFolderName)
}
