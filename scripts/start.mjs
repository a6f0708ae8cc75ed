// `npm start`: the desktop app when Electron can run here, else the browser mode, said in one line.
// Steps: build the bundles; make sure Electron's binary is there (fetch it if missing); make sure
// better-sqlite3 is built for Electron's ABI in .electron-native/ (the Node build in node_modules stays
// for the CLI and the tests); launch. Any step that cannot succeed falls back to `serve`.
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const require = createRequire(import.meta.url)
const nativeDir = join(root, '.electron-native')
const sqliteBinding = join(nativeDir, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')

run('npx', ['--no-install', 'electron-vite', 'build'], 'building the app')

const why = electronUnavailable() ?? sqliteForElectronUnavailable()
if (why) {
  serve(why)
} else {
  const electronPath = require('electron')
  const started = Date.now()
  const app = spawn(electronPath, [root], {
    stdio: 'inherit',
    env: { ...process.env, CHASE_WORKBENCH_SQLITE_BINDING: sqliteBinding },
  })
  app.on('exit', (code, signal) => {
    // A window that dies within seconds never started (no display, missing system libraries).
    if (code !== 0 && Date.now() - started < 8000) {
      serve(`Electron exited at start (${signal ?? `code ${code}`}); is there a display?`)
    } else process.exit(code ?? 0)
  })
}

function electronUnavailable() {
  if (electronBinaryPresent()) return null
  console.log('Electron’s binary is missing: fetching it (one time)…')
  const result = spawnSync(process.execPath, [join(root, 'node_modules/electron/install.js')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    timeout: 300_000,
  })
  if (result.status === 0 && electronBinaryPresent()) return null
  const detail =
    (result.stderr || '').split('\n').find((l) => /error|ENOTFOUND|EAI_AGAIN|ECONN/i.test(l)) ??
    'download failed'
  return `Electron’s binary could not be downloaded (${detail.trim().slice(0, 120)})`
}

function electronBinaryPresent() {
  try {
    return existsSync(require('electron'))
  } catch {
    return false
  }
}

function sqliteForElectronUnavailable() {
  const electronVersion = JSON.parse(
    readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8'),
  ).version
  const stamp = join(nativeDir, 'better-sqlite3', '.electron-version')
  if (existsSync(sqliteBinding) && existsSync(stamp) && readFileSync(stamp, 'utf8') === electronVersion)
    return null
  console.log(`Building better-sqlite3 for Electron ${electronVersion} (one time, about a minute)…`)
  const target = join(nativeDir, 'better-sqlite3')
  rmSync(target, { recursive: true, force: true })
  mkdirSync(nativeDir, { recursive: true })
  cpSync(join(root, 'node_modules/better-sqlite3'), target, {
    recursive: true,
    filter: (src) => !src.includes(`${join('better-sqlite3', 'build')}`),
  })
  const nodeGyp = process.env.npm_config_node_gyp
  const env = { ...process.env }
  delete env.npm_config_nodedir // a nodedir pointing at Node's headers would build for the wrong ABI
  const args = [
    'rebuild',
    `--target=${electronVersion}`,
    '--runtime=electron',
    '--dist-url=https://electronjs.org/headers',
    '--release',
  ]
  const result = nodeGyp
    ? spawnSync(process.execPath, [nodeGyp, ...args], {
        cwd: target,
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
        encoding: 'utf8',
      })
    : spawnSync('npx', ['--yes', 'node-gyp', ...args], {
        cwd: target,
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
        encoding: 'utf8',
      })
  if (result.status === 0 && existsSync(sqliteBinding)) {
    spawnSync('sh', ['-c', `printf %s "${electronVersion}" > "${stamp}"`])
    return null
  }
  return 'better-sqlite3 could not be built for Electron (Electron headers unreachable?)'
}

function serve(reason) {
  console.log(`${reason}: starting the browser mode instead.`)
  const child = spawn(
    process.execPath,
    [join(root, 'bin/chase-workbench'), 'serve', ...process.argv.slice(2)],
    {
      stdio: 'inherit',
    },
  )
  child.on('exit', (code) => process.exit(code ?? 0))
}

function run(command, args, what) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root })
  if (result.status !== 0) {
    console.error(`npm start: ${what} failed (exit ${result.status}).`)
    process.exit(result.status ?? 1)
  }
}
