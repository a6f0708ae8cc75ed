import type { RunId } from '../../shared/api/runRecords'

// Ids the host made or read back from its own store are valid by construction; this only names that.
export const asRunId = (id: string): RunId => id as RunId
