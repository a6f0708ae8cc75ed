import { execFile } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { homedir } from 'node:os'
import { posix, win32 } from 'node:path'

/** package.json `engines.node` (>=22.12.0); tests/main/electron/systemNode.test.ts keeps the two equal. */
export const minimumNodeVersion: readonly [number, number, number] = [22, 12, 0]

/** The variable a user sets to pick the Node.js that runs GPU trainers. */
export const systemNodeVariable = 'CHASE_WORKBENCH_NODE'

export type SystemNode =
  | { readonly found: true; readonly path: string; readonly version: string }
  | { readonly found: false; readonly reason: string }

export interface FindSystemNodeOptions {
  readonly env?: NodeJS.ProcessEnv
  readonly platform?: NodeJS.Platform
  /** Where Node installers and version managers put `node`, tried after PATH (default: `installPlaces`). */
  readonly installPlaces?: readonly string[]
  /** Prints `<path> --version`; rejects when the file is missing or does not run. */
  readonly versionOf?: (path: string) => Promise<string>
}

const minimumText = minimumNodeVersion.join('.')
const why =
  "GPU runs (webgpu) train in a separate Node.js process because Electron's V8 memory cage refuses the " +
  "buffers Dawn's Node bindings hand back when reading GPU results (docs/gpu-desktop.md)"

/**
 * Finds the Node.js that runs GPU trainers outside Electron: `CHASE_WORKBENCH_NODE` alone when set
 * (a user who names one means that one), else the first `node` on PATH, else the usual install places
 * (a desktop app started from a dock or start menu often gets a PATH without them). Each candidate
 * must run and report a version the project supports.
 */
export async function findSystemNode(options: FindSystemNodeOptions = {}): Promise<SystemNode> {
  const env = options.env ?? process.env
  const platform = options.platform ?? process.platform
  const versionOf = options.versionOf ?? nodeVersionOf
  const chosen = env[systemNodeVariable]?.trim()
  if (chosen) {
    const verdict = await judge(chosen, versionOf)
    if (verdict.ok) return { found: true, path: chosen, version: verdict.version }
    return {
      found: false,
      reason: `${systemNodeVariable}=${chosen} ${verdict.problem}: point it at a Node.js ${minimumText} or newer (Node 24 LTS from https://nodejs.org). ${why}.`,
    }
  }
  const candidates = [
    ...new Set([
      ...pathCandidates(env, platform),
      ...(options.installPlaces ?? installPlaces(platform, env)),
    ]),
  ]
  const refused: string[] = []
  for (const candidate of candidates) {
    const verdict = await judge(candidate, versionOf)
    if (verdict.ok) return { found: true, path: candidate, version: verdict.version }
    // A missing file is the normal case for most places; only say what was there and refused.
    if (verdict.problem !== missing) refused.push(`${candidate} ${verdict.problem}`)
  }
  const seen = refused.length ? ` (${refused.join('; ')})` : ''
  return {
    found: false,
    reason: `No Node.js ${minimumText} or newer was found${seen}: install Node 24 LTS from https://nodejs.org or set ${systemNodeVariable}=/path/to/node, then restart Chase Workbench. ${why}.`,
  }
}

const missing = 'does not exist or does not run'

type Verdict = { ok: true; version: string } | { ok: false; problem: string }

async function judge(candidate: string, versionOf: (path: string) => Promise<string>): Promise<Verdict> {
  let printed: string
  try {
    printed = (await versionOf(candidate)).trim()
  } catch {
    return { ok: false, problem: missing }
  }
  const parts = /^v(\d+)\.(\d+)\.(\d+)/.exec(printed)
  if (!parts) return { ok: false, problem: `is not Node.js (--version printed "${printed.slice(0, 40)}")` }
  const version = [Number(parts[1]), Number(parts[2]), Number(parts[3])]
  if (compareVersions(version, minimumNodeVersion) < 0)
    return { ok: false, problem: `is ${printed}, older than ${minimumText}` }
  return { ok: true, version: printed }
}

function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0)
  return 0
}

function nodeVersionOf(path: string): Promise<string> {
  return new Promise((resolve, reject) =>
    // Bounded: a wrapper script that hangs must not hold the desktop start.
    execFile(path, ['--version'], { timeout: 5000, windowsHide: true }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    ),
  )
}

function executableName(platform: NodeJS.Platform): string {
  return platform === 'win32' ? 'node.exe' : 'node'
}

function pathCandidates(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string[] {
  const path = platform === 'win32' ? win32 : posix
  const searchPath = env.PATH ?? env.Path ?? ''
  return searchPath
    .split(path.delimiter)
    .filter((folder) => folder.length > 0)
    .map((folder) => path.join(folder, executableName(platform)))
}

/**
 * The places Node's installers and the common version managers (nvm, fnm, Volta, Homebrew,
 * nvm-windows) put `node`; nvm's installed versions newest first.
 */
export function installPlaces(
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string[] {
  if (platform === 'win32') {
    const places = [
      env.NVM_SYMLINK && win32.join(env.NVM_SYMLINK, 'node.exe'),
      env.ProgramFiles && win32.join(env.ProgramFiles, 'nodejs', 'node.exe'),
      env.LOCALAPPDATA && win32.join(env.LOCALAPPDATA, 'Volta', 'bin', 'node.exe'),
    ]
    return places.filter((place): place is string => Boolean(place))
  }
  const nvmRoot = env.NVM_DIR ?? posix.join(home, '.nvm')
  return [
    ...(platform === 'darwin' ? ['/opt/homebrew/bin/node'] : []),
    '/usr/local/bin/node',
    '/usr/bin/node',
    posix.join(home, '.volta', 'bin', 'node'),
    posix.join(home, '.local', 'share', 'fnm', 'aliases', 'default', 'bin', 'node'),
    ...nvmVersions(posix.join(nvmRoot, 'versions', 'node')).map((v) => posix.join(v, 'bin', 'node')),
  ]
}

function nvmVersions(folder: string): string[] {
  let names: string[]
  try {
    names = readdirSync(folder)
  } catch {
    return []
  }
  const parsed = names
    .map((name) => ({ name, parts: /^v(\d+)\.(\d+)\.(\d+)$/.exec(name)?.slice(1).map(Number) }))
    .filter((entry): entry is { name: string; parts: number[] } => entry.parts !== undefined)
  return parsed
    .sort((a, b) => compareVersions(b.parts, a.parts))
    .map((entry) => posix.join(folder, entry.name))
}
