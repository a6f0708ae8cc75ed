import { fork } from 'node:child_process'
import { createRequire } from 'node:module'
import { availableParallelism, cpus, freemem, platform, arch, release, totalmem } from 'node:os'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { z } from 'zod'
import { BackendSurvey, type BackendDescription } from '../../../shared/backends/backendSurvey'
import { describeAdapter } from '../../../shared/backends/gpuAdapter'
import { UsageError, type Command, type CommandIo } from '../command'

/**
 * One block of the report: a JSON value under `key` and the same facts as text lines. To add one
 * (datasets, say), write a section and append it to `doctorSections`; nothing else changes.
 */
export interface DoctorSection {
  readonly key: string
  readonly title: string
  collect(context: DoctorContext): Promise<{ json: unknown; lines: string[] }>
}

export interface DoctorContext {
  readonly io: CommandIo
  /** wasm threads to probe with (`--threads`); undefined = what a run would use. */
  readonly threads: number | undefined
}

// The backends are started in a child process: tfjs (and any native TensorFlow) never loads into the
// CLI, and a native library that crashes on load takes down the probe, not the doctor. The datasets
// are looked for by the trainer's own rules, in a child too, so the CLI imports no trainer code.
const describeEntry = fileURLToPath(
  new URL('../../../trainer/backend/describeBackendsMain.ts', import.meta.url),
)
const findDatasetsEntry = fileURLToPath(new URL('../../../trainer/data/findDatasetsMain.ts', import.meta.url))
const probeTimeoutMs = 120_000

/** What the dataset section prints of each dataset the child reports. */
const DatasetRow = z.looseObject({
  name: z.string(),
  status: z.string(),
  summary: z.string(),
  folder: z.string().nullable(),
})

export const backendsSection: DoctorSection = {
  key: 'compute',
  title: 'Compute backends',
  async collect({ threads }) {
    const survey = await surveyBackends(threads)
    const width = Math.max(...survey.backends.map((b) => b.name.length))
    const lines = survey.backends.flatMap((b) => [
      `${b.name.padEnd(width)}  ${b.available ? 'available    ' : 'not available'}  ${backendDetail(b)}`,
      ...adapterLines(b, width),
    ])
    lines.push(`auto picks: ${survey.autoPick ?? 'nothing (no backend starts)'}${autoReason(survey)}`)
    return { json: survey, lines }
  },
}

export const machineSection: DoctorSection = {
  key: 'machine',
  title: 'Machine',
  async collect() {
    const processors = cpus()
    const machine = {
      cpuModel: processors[0]?.model.trim() ?? 'unknown',
      cores: processors.length,
      usableCores: availableParallelism(),
      memoryBytes: totalmem(),
      freeMemoryBytes: freemem(),
      node: process.version,
      platform: `${platform()} ${release()} ${arch()}`,
    }
    const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`
    const usable = machine.usableCores === machine.cores ? '' : `, ${machine.usableCores} usable`
    return {
      json: machine,
      lines: [
        `CPU       ${machine.cpuModel} (${machine.cores} cores${usable})`,
        `Memory    ${gib(machine.memoryBytes)} (${gib(machine.freeMemoryBytes)} free)`,
        `Node      ${machine.node}`,
        `Platform  ${machine.platform}`,
      ],
    }
  },
}

export const datasetsSection: DoctorSection = {
  key: 'datasets',
  title: 'Datasets',
  async collect({ io }) {
    const found = await probe(findDatasetsEntry, [], {
      env: io.env,
      cwd: io.cwd,
      what: 'the dataset finder',
      pick: (message) => z.array(DatasetRow).safeParse((message as { datasets?: unknown } | null)?.datasets),
    })
    const width = Math.max(...found.map((d) => d.name.length))
    const lines = found.map((d) => {
      const where = d.folder === null ? '' : ` in ${d.folder}`
      return `${d.name.padEnd(width)}  ${d.status.padEnd(9)}  ${d.summary}${where}`
    })
    return { json: found, lines }
  },
}

/** The report, in order: append a `DoctorSection` to add to it. */
export const doctorSections: DoctorSection[] = [backendsSection, datasetsSection, machineSection]

/** The WebGPU adapters under the webgpu line: kind, names, and the one limit a big model meets first. */
function adapterLines(b: BackendDescription, width: number): string[] {
  if (b.adapters === undefined) return []
  const indent = ' '.repeat(width + 2)
  if (b.adapters.length === 0) return [`${indent}adapters: none`]
  const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`
  return b.adapters.map((a) => {
    const taken =
      b.autoAdapter && describeAdapter(b.autoAdapter) === describeAdapter(a) ? ' ← auto takes this' : ''
    return (
      `${indent}adapter: ${describeAdapter(a)}; largest storage buffer ${mib(a.limits.maxStorageBufferBindingSize)}, ` +
      `workgroup memory ${a.limits.maxComputeWorkgroupStorageSize} B${taken}`
    )
  })
}

/** Why `auto` picks what it picks: the better backends it passed over. */
function autoReason(survey: BackendSurvey): string {
  const passed = survey.backends.slice(
    0,
    survey.autoPick === null ? undefined : survey.backends.findIndex((b) => b.name === survey.autoPick),
  )
  return passed.length === 0 ? '' : ` (passed over: ${passed.map((b) => b.name).join(', ')}; reasons above)`
}

function backendDetail(b: BackendDescription): string {
  if (!b.available) return [b.reason ?? 'unavailable', ...b.notes].join('; ')
  const threads = b.threads === null ? null : `${b.threads} thread${b.threads === 1 ? '' : 's'}`
  const simd = b.simd === null ? null : b.simd ? 'SIMD' : 'no SIMD'
  return [`${b.package} ${b.version ?? ''}`.trim(), threads, simd, ...b.notes]
    .filter((part) => part !== null)
    .join(', ')
}

function surveyBackends(threads: number | undefined): Promise<BackendSurvey> {
  return probe(describeEntry, threads === undefined ? [] : ['--threads', String(threads)], {
    what: 'the backend probe',
    pick: (message) => BackendSurvey.safeParse((message as { survey?: unknown } | null)?.survey),
  })
}

/** Runs a trainer-side entry in a child and resolves with the first message `pick` accepts. */
async function probe<T>(
  entry: string,
  args: string[],
  options: {
    what: string
    pick: (message: unknown) => { success: true; data: T } | { success: false }
    env?: NodeJS.ProcessEnv
    cwd?: string
  },
): Promise<T> {
  const { what, pick } = options
  // tsx's loader by absolute URL, so the probe starts from any working directory.
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
  const child = fork(entry, args, {
    execArgv: ['--import', tsxLoader],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    ...(options.env ? { env: options.env } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)))
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${what} did not answer within ${probeTimeoutMs / 1000} s`))
    }, probeTimeoutMs)
    child.on('message', (message: unknown) => {
      const parsed = pick(message)
      if (parsed.success) {
        clearTimeout(timer)
        resolve(parsed.data)
      }
    })
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      const last = stderr.trim().split('\n').slice(-3).join(' | ')
      reject(
        new Error(`${what} exited (${signal ?? `code ${code}`}) without a report${last ? `: ${last}` : ''}`),
      )
    })
  })
}

function parseArgs(args: readonly string[]): { json: boolean; threads: number | undefined } {
  let json = false
  let threads: number | undefined
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '--json') json = true
    else if (arg === '--threads') {
      const value = Number(args[++i])
      if (!Number.isInteger(value) || value < 1)
        throw new UsageError('--threads needs a whole number of at least 1')
      threads = value
    } else throw new UsageError(`unknown option "${arg}" (try --json or --threads N)`)
  }
  return { json, threads }
}

const command: Command = {
  name: 'doctor',
  summary: 'Report the compute backends, datasets and machine',
  usage: [
    'chase-workbench doctor [--json] [--threads N]',
    '',
    'Starts every compute backend (tensorflow-gpu, webgpu, tensorflow, wasm, cpu) in a separate process and says',
    'which are available, or why not and how to get them, with version, threads and SIMD; then the machine.',
    '',
    '  --json         Machine-readable output',
    '  --threads N    Threads to start wasm with (default: what a run uses, all cores up to 8)',
  ].join('\n'),
  async run(args, io) {
    const { json, threads } = parseArgs(args)
    const context: DoctorContext = { io, threads }
    const results = await Promise.all(
      doctorSections.map(async (section) => ({ section, result: await section.collect(context) })),
    )
    if (json) {
      io.stdout.write(
        `${JSON.stringify(Object.fromEntries(results.map(({ section, result }) => [section.key, result.json])), null, 2)}\n`,
      )
    } else {
      const text = results.map(({ section, result }) =>
        [section.title, ...result.lines.map((line) => `  ${line}`)].join('\n'),
      )
      io.stdout.write(`${text.join('\n\n')}\n`)
    }
    return 0
  },
}
export default command
