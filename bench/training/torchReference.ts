import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface, type Interface } from 'node:readline'
import type { ModelSpec } from '../../src/shared/models/modelSpec'

/** Debian's python3-torch here; a GPU machine passes the python that holds its CUDA PyTorch. */
const defaultPython = '/usr/bin/python3'
const defaultScript = resolve(import.meta.dirname, '../torch_reference.py')

export interface TorchOptions {
  readonly batch: number
  readonly threads: number
  readonly warmup: number
  /** `auto` takes CUDA where PyTorch sees a GPU (default: cpu). */
  readonly device?: 'cpu' | 'cuda' | 'auto'
  readonly python?: string
  /** bench/torch_reference.py, wherever it was unpacked (the device kit puts it beside the bundle). */
  readonly script?: string
}

export interface TorchInfo {
  readonly torch: string
  /** `cpu`, or the CUDA device's name. */
  readonly device: string
  readonly threads: number
  readonly batch: number
  readonly parameters: number
  readonly warmupMs: readonly number[]
}

/** One JSON line from the script: the ready line carries TorchInfo, a timing line msPerStep. */
interface Reply extends Partial<TorchInfo> {
  readonly ready?: boolean
  readonly msPerStep?: number[]
  readonly error?: string
}

/**
 * A running bench/torch_reference.py in `--serve` mode: the same network (built from the spec's nodes),
 * batch, optimizer and loss in PyTorch, warmed up and waiting. `time(k)` runs k more timed steps there,
 * so the caller can interleave them with its own timings and both sides share the machine's load.
 */
export class TorchReference {
  private readonly replies: ((reply: Reply) => void)[] = []
  private stderr = ''

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly lines: Interface,
    private readonly dir: string,
    readonly info: TorchInfo,
  ) {}

  static async start(spec: ModelSpec, options: TorchOptions): Promise<TorchReference> {
    const python = options.python ?? defaultPython
    const script = options.script ?? defaultScript
    const dir = mkdtempSync(join(tmpdir(), 'chase-torch-'))
    const specPath = join(dir, 'spec.json')
    const { name, input, classes, output, nodes } = spec
    writeFileSync(specPath, JSON.stringify({ name, input, classes, output, nodes }))
    const args = [script, specPath, '--serve', '--threads', String(options.threads)]
    args.push('--batch', String(options.batch), '--warmup', String(options.warmup))
    args.push('--device', options.device ?? 'cpu')
    const child = spawn(python, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    const lines = createInterface({ input: child.stdout })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const first = await new Promise<Reply>((done, fail) => {
      lines.once('line', (line) => done(JSON.parse(line) as Reply))
      child.once('error', fail)
      child.once('exit', (code) => fail(new Error(`${python} ${script} exited with ${code}:\n${stderr}`)))
    })
    const { ready, torch = '?', device = '?', threads = 0, batch = 0, parameters = 0, warmupMs = [] } = first
    if (!ready) throw new Error(`torch reference did not start: ${JSON.stringify(first)}\n${stderr}`)
    const info = { torch, device, threads, batch, parameters, warmupMs }
    const reference = new TorchReference(child, lines, dir, info)
    reference.stderr = stderr
    child.stderr.on('data', (chunk: Buffer) => (reference.stderr += chunk.toString()))
    lines.on('line', (line) => reference.replies.shift()?.(JSON.parse(line) as Reply))
    return reference
  }

  get pid(): number {
    return this.child.pid ?? -1
  }

  /** Per-step milliseconds of `steps` more timed PyTorch training steps. */
  async time(steps: number): Promise<number[]> {
    const reply = await new Promise<Reply>((done) => {
      this.replies.push(done)
      this.child.stdin.write(`time ${steps}\n`)
    })
    if (!reply.msPerStep)
      throw new Error(`torch reference failed: ${reply.error ?? 'no timings'}\n${this.stderr}`)
    return reply.msPerStep
  }

  async close(): Promise<void> {
    const exited = new Promise((done) => this.child.once('exit', done))
    this.child.stdin.end('quit\n')
    await exited
    this.lines.close()
    rmSync(this.dir, { recursive: true, force: true })
  }
}
