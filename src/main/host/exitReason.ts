import type { RunFailure } from '../../shared/api/runRecords'
import type { TrainerExit } from './trainerLauncher'

const oomPatterns = [
  /heap out of memory/i,
  /allocation failed/i,
  /out of memory/i,
  /ENOMEM/,
  /std::bad_alloc/,
]

/**
 * Names why a trainer went away without reporting `done` or `failed` (VS Code's clean-exit / crashed /
 * oom / killed). SIGKILL from outside is `killed`: on Linux that is also how the OOM killer ends a
 * process, which the message says.
 */
export function classifyExit(exit: TrainerExit): RunFailure {
  if (exit.detail) {
    const { detail, ...rest } = exit
    const inner = classifyExit(rest)
    // A remote job's end is known better by its scheduler than by guessing from a signal.
    return inner.reason === 'killed'
      ? { ...inner, message: `${detail}; resume continues from the last checkpoint` }
      : { ...inner, message: `${detail}: ${inner.message}` }
  }
  const tail = exit.stderrTail?.trim()
  const lastLines = tail ? `\n${tail.split('\n').slice(-8).join('\n')}` : ''
  const base = { exitCode: exit.code, signal: exit.signal }
  if (exit.reason === 'launch-failed' || exit.error) {
    return {
      ...base,
      reason: 'launch-failed',
      message: `The trainer process could not start: ${exit.error ?? 'unknown error'}`,
    }
  }
  if (exit.reason === 'oom' || (tail && oomPatterns.some((p) => p.test(tail)))) {
    return {
      ...base,
      reason: 'oom',
      message: `The trainer ran out of memory: lower optim.batchSize or model.widthMultiplier, or close other runs${lastLines}`,
    }
  }
  if (exit.reason === 'killed' || exit.signal === 'SIGKILL') {
    return {
      ...base,
      reason: 'killed',
      message:
        'The trainer was killed (SIGKILL) before it finished; if nobody killed it, the system may have run out of ' +
        'memory. Resume continues from the last checkpoint.',
    }
  }
  if (exit.signal === 'SIGTERM' || exit.signal === 'SIGINT' || exit.signal === 'SIGHUP') {
    return {
      ...base,
      reason: 'killed',
      message: `The trainer was stopped by ${exit.signal} from outside the workbench`,
    }
  }
  const how = exit.signal ? `was ended by ${exit.signal}` : `exited with code ${exit.code ?? 'unknown'}`
  return {
    ...base,
    reason: 'crashed',
    message: `The trainer ${how} without reporting a result${lastLines}`,
  }
}
