// `npm start`: the desktop app when Electron can run here, else the browser mode, said in one line.
// The steps live in src/main/desktopStart (typechecked and unit-tested); this file only loads them.
import { resolve } from 'node:path'
import { register } from 'tsx/esm/api'

register()
const { processDeps, startDesktop } = await import('../src/main/desktopStart/startDesktop.ts')
process.exitCode = await startDesktop(processDeps(resolve(import.meta.dirname, '..')))
