// Typechecks each runtime with its own tsconfig, so a renderer file importing node:fs or a shared file
// importing electron fails here, not in a user's hands.
import { spawnSync } from 'node:child_process'

const projects = [
  ['shared', 'tsc', 'src/shared/tsconfig.json'],
  ['node', 'tsc', 'src/node/tsconfig.json'],
  ['trainer', 'tsc', 'src/trainer/tsconfig.json'],
  ['main', 'tsc', 'src/main/tsconfig.json'],
  ['preload', 'tsc', 'src/preload/tsconfig.json'],
  ['renderer', 'vue-tsc', 'src/renderer/tsconfig.json'],
  ['tests', 'tsc', 'tests/tsconfig.json'],
]

let failed = 0
for (const [name, tool, project] of projects) {
  const started = Date.now()
  const result = spawnSync('npx', ['--no-install', tool, '--noEmit', '-p', project], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  })
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  const output = `${result.stdout}${result.stderr}`.replace(/^npm warn .*\n/gm, '')
  if (result.status === 0) {
    console.log(`typecheck ${name}: ok (${seconds} s)`)
  } else {
    failed++
    console.log(`typecheck ${name}: FAILED (${seconds} s)\n${output}`)
  }
}
process.exit(failed === 0 ? 0 : 1)
