import { TrainerToHost, type BenchRequest } from '../../shared/protocol/trainerMessages'
import type { BenchRecord } from '../../shared/api/benchRecords'
import { summarizeBench } from './benchSummary'
import { classifyExit } from './exitReason'
import type { SessionContext } from './trainerSession'

/**
 * One benchmark in its own trainer process (bench mode): the trainer times the dense and the slimmed
 * network alternately on one backend and reports `benchDone`; the host stores the samples and a summary.
 */
export function runBenchSession(
  context: SessionContext,
  benchId: string,
  request: BenchRequest,
  onChange: (record: BenchRecord) => void,
): Promise<BenchRecord> {
  const { store, logger, launcher } = context
  return new Promise((resolve) => {
    let settled: BenchRecord | undefined
    const settle = (record: BenchRecord) => {
      if (settled) return
      settled = record
      onChange(record)
      resolve(record)
    }
    const fail = (message: string) => settle(store.benchmarks.fail(benchId, message))
    const child = launcher.launch({ serviceName: `bench-${benchId}`, backend: request.backend })
    const readyTimer = setTimeout(() => {
      fail(`the bench trainer did not report ready within ${Math.round(context.readyTimeoutMs / 1000)} s`)
      child.kill()
    }, context.readyTimeoutMs)
    child.onMessage((raw) => {
      const parsed = TrainerToHost.safeParse(raw)
      if (!parsed.success) {
        logger.warn(
          `bench-${benchId} sent an invalid message, rejected: ${parsed.error.issues[0]?.message ?? ''}`,
        )
        return
      }
      const message = parsed.data
      if (message.type === 'ready') {
        clearTimeout(readyTimer)
        child.send({ type: 'bench', benchId, request })
      } else if (message.type === 'benchDone' && message.benchId === benchId) {
        try {
          settle(store.benchmarks.complete(benchId, message.result, summarizeBench(message.result)))
        } catch (error) {
          logger.error((error as Error).message)
        }
        setTimeout(() => child.kill(), context.exitGraceMs).unref()
      } else if (message.type === 'failed') {
        fail(`${message.kind}: ${message.message}`)
      } else if (message.type === 'log') {
        logger[message.level](`bench-${benchId}: ${message.message}`)
      }
    })
    child.onExit((exit) => {
      clearTimeout(readyTimer)
      if (!settled) fail(classifyExit(exit).message)
    })
  })
}
