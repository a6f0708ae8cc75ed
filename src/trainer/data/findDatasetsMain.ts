/**
 * Child-process entry for `chase-workbench doctor`'s dataset section: looks for every dataset from the
 * environment and folder it was started in and sends the list back over the IPC channel, so the CLI
 * reads the trainer's own search rules without importing trainer code.
 */
import { findDatasets } from './datasetManager'

const datasets = await findDatasets()
process.send?.({ type: 'datasets', datasets }, () => process.exit(0))
if (!process.send) {
  process.stdout.write(`${JSON.stringify(datasets)}\n`)
  process.exit(0)
}
