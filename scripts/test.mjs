// `npm test`: typecheck, lint, build, unit suites, then end-to-end in Chromium. Stops at the first red
// step and ends with one "N passed, N failed" line that CI reads.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'

const reportDir = '.cache/test-reports'
rmSync(reportDir, { recursive: true, force: true })
mkdirSync(reportDir, { recursive: true })

const steps = [
  ['typecheck', 'node', ['scripts/typecheck.mjs']],
  ['lint', 'npm', ['run', '--silent', 'lint']],
  ['build', 'npx', ['--no-install', 'electron-vite', 'build']],
  [
    'unit',
    'npx',
    [
      '--no-install',
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${reportDir}/unit.json`,
    ],
  ],
  ['e2e', 'npx', ['--no-install', 'playwright', 'test']],
]

const counts = { passed: 0, failed: 0, skipped: 0 }
let red = null
for (const [name, command, args] of steps) {
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`)
  const started = Date.now()
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: `${reportDir}/e2e.json`, E2E_SKIP_BUILD: '1' },
  })
  console.log(
    `=== ${name}: ${result.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  )
  if (result.status !== 0) {
    red = name
    break
  }
}

tally(`${reportDir}/unit.json`, (r) => ({
  passed: r.numPassedTests,
  failed: r.numFailedTests,
  skipped: r.numPendingTests + r.numTodoTests,
}))
tally(`${reportDir}/e2e.json`, (r) => ({
  passed: r.stats.expected,
  failed: r.stats.unexpected + r.stats.flaky,
  skipped: r.stats.skipped,
}))

if (red && counts.failed === 0) counts.failed = 1 // a red typecheck, lint or build counts as a failure too
console.log(`\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`)
process.exit(red ? 1 : 0)

function tally(file, pick) {
  if (!existsSync(file)) return
  const r = pick(JSON.parse(readFileSync(file, 'utf8')))
  for (const key of Object.keys(counts)) counts[key] += r[key] ?? 0
}
