import type { BrowserWindow, Dialog } from 'electron'

export interface QuitGuardOptions {
  readonly window: BrowserWindow
  readonly dialog: Pick<Dialog, 'showMessageBox'>
  /** Runs training or queued now. */
  readonly activeRunCount: () => number
  /** Stops every trainer at a step boundary with a checkpoint; resolves when all have exited. */
  readonly stopTrainers: () => Promise<void>
  /** Called once the trainers have stopped after the user chose to quit. */
  readonly quit: () => void
}

export const stopAndQuitButton = 0

/**
 * Closing the window while runs train asks first, then keeps the window (titled "writing checkpoints")
 * until every trainer has stopped, so nothing is cut mid-step. Returns `requestQuit`, for the app's own
 * quit paths (menu, Cmd-Q), which go through the same question.
 */
export function guardQuitWhileTraining(options: QuitGuardOptions): { requestQuit: () => boolean } {
  const { window, dialog, activeRunCount, stopTrainers, quit } = options
  let state: 'open' | 'asking' | 'stopping' | 'stopped' = 'open'

  const ask = async () => {
    state = 'asking'
    const count = activeRunCount()
    const { response } = await dialog.showMessageBox(window, {
      type: 'question',
      buttons: ['Stop runs and quit', 'Keep training'],
      defaultId: 1,
      cancelId: 1,
      title: 'Runs are training',
      message: `${count} run${count === 1 ? ' is' : 's are'} still training.`,
      detail:
        'Quitting stops each run at its next step boundary and writes a checkpoint; resume them later from the run page.',
    })
    if (response !== stopAndQuitButton) {
      state = 'open'
      return
    }
    state = 'stopping'
    if (!window.isDestroyed()) {
      window.setTitle('Chase Workbench: writing checkpoints…')
      window.setProgressBar(2) // indeterminate where the platform shows one
    }
    try {
      await stopTrainers()
    } finally {
      state = 'stopped'
      if (!window.isDestroyed()) window.destroy()
      quit()
    }
  }

  window.on('close', (event) => {
    if (state === 'stopped') return
    if (state === 'open' && activeRunCount() === 0) return
    event.preventDefault()
    if (state === 'open') void ask()
  })

  return {
    /** True when quitting may go on now; false when the question or the stopping is under way. */
    requestQuit() {
      if (state === 'stopped' || (state === 'open' && activeRunCount() === 0)) return true
      if (state === 'open') void ask()
      return false
    },
  }
}
