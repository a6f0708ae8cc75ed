// `npm run bench`: every benchmark in bench/, one after another (never part of `npm test`: timings need
// a quiet machine). `npm run bench -- kernels` runs only the ones whose file name contains "kernels".
import { readdirSync } from 'node:fs'
import { spawnSync } from 'node:child_process'

const filter = process.argv.slice(2)
const files = readdirSync('bench')
  .filter((f) => f.endsWith('.ts'))
  .filter((f) => filter.length === 0 || filter.some((word) => f.includes(word)))
  .sort()
let failed = 0
for (const file of files) {
  console.log(`\n=== bench/${file}`)
  const result = spawnSync('npx', ['--no-install', 'tsx', `bench/${file}`], { stdio: 'inherit' })
  if (result.status !== 0) failed++
}
process.exit(failed === 0 ? 0 : 1)
