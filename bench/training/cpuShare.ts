import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'

/** Linux's USER_HZ: /proc reports CPU time in these ticks. */
const ticksPerSecond = 100

export interface CpuSample {
  readonly wallMs: number
  /** Busy ticks of the whole machine (user, nice, system, irq, softirq, steal), from /proc/stat. */
  readonly machineTicks: number
  /** CPU time of this process, every thread (the wasm pthreads too) and of the given children. */
  readonly ownSeconds: number
}

/**
 * A sample for `cpuShareOfOthers`; null where /proc is missing (not Linux). `children` are the pids of
 * processes we started (the PyTorch references), whose CPU time is ours too.
 */
export function sampleCpu(children: readonly number[]): CpuSample | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
    const [user, nice, system, , , irq, softirq, steal] = fields
    const usage = process.cpuUsage()
    let ownSeconds = (usage.user + usage.system) / 1e6
    for (const pid of children) ownSeconds += processSeconds(pid)
    return {
      wallMs: performance.now(),
      machineTicks: user! + nice! + system! + irq! + softirq! + (steal ?? 0),
      ownSeconds,
    }
  } catch {
    return null
  }
}

/** Share of all cores that other processes kept busy between two samples (0 = we had the machine). */
export function cpuShareOfOthers(start: CpuSample | null, end: CpuSample | null): number | null {
  if (!start || !end) return null
  const wallSeconds = (end.wallMs - start.wallMs) / 1000
  const machineSeconds = (end.machineTicks - start.machineTicks) / ticksPerSecond
  const others = machineSeconds - (end.ownSeconds - start.ownSeconds)
  return Math.max(0, others / (wallSeconds * availableParallelism()))
}

/** utime + stime of a process (fields 14 and 15 of /proc/<pid>/stat, counted after the command name). */
function processSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond
}
