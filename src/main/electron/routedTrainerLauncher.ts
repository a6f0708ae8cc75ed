import { failedLaunch } from '../host/failedLaunch'
import type { TrainerLauncher } from '../host/trainerLauncher'
import type { SystemNode } from './systemNode'
import { trainerRouteFor } from './trainerRoute'

export interface RoutedLauncherParts {
  /** Electron utility processes: every backend that works under the memory cage. */
  readonly utility: TrainerLauncher
  /** A `child_process.fork` launcher on the given Node.js (forkTrainerLauncher with `execPath`). */
  readonly systemNode: (nodePath: string) => TrainerLauncher
  /** What the finder said at desktop start. */
  readonly node: SystemNode
}

/**
 * The desktop's trainer launcher: webgpu runs fork the same trainer the headless `serve` forks, on the
 * system Node.js; the rest start as utility processes. Without a usable Node.js a webgpu run fails at
 * start with the finder's reason, recorded on the run like any other start failure.
 */
export function routedTrainerLauncher(parts: RoutedLauncherParts): TrainerLauncher {
  let onSystemNode: TrainerLauncher | undefined
  return {
    launch(options) {
      const route = trainerRouteFor(options.backend, parts.node)
      switch (route.via) {
        case 'utility-process':
          return parts.utility.launch(options)
        case 'system-node':
          onSystemNode ??= parts.systemNode(route.nodePath)
          return onSystemNode.launch(options)
        case 'refused':
          return failedLaunch(route.error)
      }
    },
  }
}
