import type { ExperimentConfig } from '../../shared/config/experimentConfig'
import type { CommandIo } from './command'
import { fetchDataset } from './commands/data'

/**
 * `train --download`: fetches the run's dataset before the run starts when it is not installed. A set
 * `data.path` or the generated dataset need nothing; a dataset already found is left alone.
 */
export async function ensureDataset(data: ExperimentConfig['data'], io: CommandIo): Promise<void> {
  if (data.dataset === 'synthetic' || (data.path !== undefined && data.path !== '')) return
  const { locateDataset } = await import('../../trainer/data/datasetManager')
  const status = await locateDataset(data.dataset, { env: io.env, cwd: io.cwd })
  if (status.status === 'found') return
  io.stderr.write(`${status.title} is not installed: downloading it first (--download)\n`)
  await fetchDataset(data.dataset, io)
}
