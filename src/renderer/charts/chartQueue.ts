/**
 * Chart set-ups one per task, in the order they were asked for: a page that mounts a dozen charts at once
 * (a run's dashboard) would otherwise freeze for their sum in one task; so the first chart shows first
 * and input, frames and socket messages get in between.
 */
const waiting: (() => void)[] = []
let scheduled = false

function runOne(): void {
  scheduled = false
  const work = waiting.shift()
  work?.()
  if (waiting.length > 0) schedule()
}

function schedule(): void {
  if (scheduled) return
  scheduled = true
  setTimeout(runOne, 0)
}

/** Runs `work` in a task of its own after those queued before it; the returned function cancels it. */
export function queueChartWork(work: () => void): () => void {
  waiting.push(work)
  schedule()
  return () => {
    const at = waiting.indexOf(work)
    if (at >= 0) waiting.splice(at, 1)
  }
}
