/**
 * Child-process entry for `chase-workbench doctor`: starts each backend (tfjs and native code stay out
 * of the CLI process) and sends the survey back over the IPC channel. Argument: `--threads N`.
 */
import { describeBackends } from './describeBackends'

const threadsAt = process.argv.indexOf('--threads')
const threads = threadsAt >= 0 ? Number(process.argv[threadsAt + 1]) : undefined
const survey = await describeBackends(threads !== undefined && Number.isFinite(threads) ? { threads } : {})
process.send?.({ type: 'survey', survey }, () => process.exit(0))
if (!process.send) {
  process.stdout.write(`${JSON.stringify(survey)}\n`)
  process.exit(0)
}
