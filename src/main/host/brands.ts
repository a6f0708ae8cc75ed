import type { BenchId } from '../../shared/api/benchRecords'
import type { RunId } from '../../shared/api/runRecords'

// Ids the host made or read back from its own store are valid by construction; these only name that.
export const asRunId = (id: string): RunId => id as RunId
export const asBenchId = (id: string): BenchId => id as BenchId
