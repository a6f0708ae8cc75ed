// `npm run bench`: every benchmark in bench/, one after another (never part of `npm test`: timings need
// a quiet machine). `npm run bench -- kernels` runs only the ones whose file name contains "kernels".
// Options go to the benches: `npm run bench -- gpu --quick`, or after a `--` when they take values
// (`npm run bench -- gpu -- --steps 2`).
import { readdirSync } from 'node:fs'
import { spawnSync } from 'node:child_process'

const args = process.argv.slice(2)
const separator = args.indexOf('--')
const words = separator < 0 ? args : args.slice(0, separator)
const filter = words.filter((word) => !word.startsWith('-'))
const forwarded = [
  ...words.filter((word) => word.startsWith('-')),
  ...(separator < 0 ? [] : args.slice(separator + 1)),
]
// Run only when named: on a machine without a GPU (a software adapter) a full gpu bench takes hours.
const namedOnly = ['gpu.ts']
const files = readdirSync('bench')
  .filter((f) => f.endsWith('.ts'))
  .filter((f) => (filter.length === 0 ? !namedOnly.includes(f) : filter.some((word) => f.includes(word))))
  .sort()
let failed = 0
for (const file of files) {
  console.log(`\n=== bench/${file}`)
  const result = spawnSync('npx', ['--no-install', 'tsx', `bench/${file}`, ...forwarded], {
    stdio: 'inherit',
  })
  if (result.status !== 0) failed++
}
process.exit(failed === 0 ? 0 : 1)
