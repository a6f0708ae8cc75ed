/**
 * One export in a process of its own, so its peak memory is its own: `paged` writes the file page by page
 * (`runs export --out`), `idle` only opens the store and reads the run (the baseline), `whole` builds the one answer the old `runs.export` built (the reference).
 * Prints one JSON line: { bytes, seconds, maxRssMb }.
 */
import { statSync, writeFileSync } from 'node:fs'
import { writeExportFile } from '../../src/main/headless/exportFile'
import { RunStore } from '../../src/main/host/runStore'

const [mode, dbPath, runId, out] = process.argv.slice(2) as [string, string, string, string]
const store = RunStore.open({ dbPath, dataDir: `${dbPath}.dir` })
const started = performance.now()
if (mode === 'idle') {
  // The process alone (tsx, the store open, the run read): what the other two have in common.
  writeFileSync(out, JSON.stringify(store.getDetail(runId)))
} else if (mode === 'paged') {
  writeExportFile(store, runId, 'json', out)
} else {
  // The export as it was: one object with everything, stringified in one piece.
  const series = store.series.metrics(runId)
  const content = JSON.stringify(
    {
      run: store.getDetail(runId),
      metrics: series.map(({ key, steps, values }) => ({ key, steps, values })),
      layerSnapshots: store.series.layerSnapshots(runId),
      events: store.series.events(runId, { limit: 1_000_000 }),
    },
    null,
    1,
  )
  writeFileSync(out, content)
}
const seconds = (performance.now() - started) / 1000
store.close()
console.log(
  JSON.stringify({ bytes: statSync(out).size, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 }),
)
