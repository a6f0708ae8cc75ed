import type { ExperimentConfig } from '../../shared/config/experimentConfig'
import type { CommandIo } from './command'
import { fetchDataset } from './commands/data'
import { runDatasetTask } from './datasetTask'

/**
 * `train --download`: fetches the run's dataset before the run starts when it is not installed. A set
 * `data.path` or the generated dataset need nothing; a dataset already found is left alone.
 */
export async function ensureDataset(data: ExperimentConfig['data'], io: CommandIo): Promise<void> {
  if (data.dataset === 'synthetic' || (data.path !== undefined && data.path !== '')) return
  const answer = await runDatasetTask({ kind: 'list' }, io)
  const status = answer.type === 'list' ? answer.datasets.find((d) => d.name === data.dataset) : undefined
  if (status === undefined) throw new Error(`the dataset task did not report ${data.dataset}`)
  if (status.status === 'found') return
  io.stderr.write(`${status.title} is not installed: downloading it first (--download)\n`)
  await fetchDataset(data.dataset, io)
}
