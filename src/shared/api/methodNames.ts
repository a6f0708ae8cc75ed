import { workbenchMethods, type WorkbenchMethod } from './methods'

/** Every contract method, in a stable order (the preload and the Electron shell register exactly these). */
export const workbenchMethodNames = Object.keys(workbenchMethods).sort() as WorkbenchMethod[]
