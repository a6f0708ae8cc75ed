import * as electron from 'electron'
import { startElectronShell } from './electronShell'

startElectronShell(electron).catch((error: unknown) => {
  console.error(`Chase Workbench could not start: ${error instanceof Error ? error.message : String(error)}`)
  electron.app.exit(1)
})
