import type { RunStatus, RunSummary } from '../../shared/api'
import { formatPercent, formatRatio, formatSeconds, formatShortTimestamp } from './format'

/** One column of the runs table: how to read, sort and show it. */
export interface RunColumn {
  readonly id: string
  readonly title: string
  /** Longer wording for the header's tooltip. */
  readonly description?: string
  readonly numeric: boolean
  /** The sort key; null sorts last whatever the direction. */
  readonly value: (run: RunSummary, now: number) => number | string | null
  readonly format: (run: RunSummary, now: number) => string
}

export function runDurationSeconds(run: RunSummary, now: number): number | null {
  if (run.result) return run.result.durationSeconds
  if (run.startedAt === null) return null
  return ((run.finishedAt ?? (run.status === 'running' ? now : run.startedAt)) - run.startedAt) / 1000
}

function modelLabel(run: RunSummary): string {
  const setup = run.setup
  const model = setup
    ? `${setup.model}${setup.widthMultiplier !== 1 ? ` ×${setup.widthMultiplier}` : ''}`
    : ''
  return [model, run.preset].filter(Boolean).join(' · ') || '—'
}

export const runColumns: readonly RunColumn[] = [
  { id: 'name', title: 'Name', numeric: false, value: (r) => r.name.toLowerCase(), format: (r) => r.name },
  {
    id: 'model',
    title: 'Model / preset',
    numeric: false,
    value: (r) => modelLabel(r),
    format: (r) => modelLabel(r),
  },
  {
    id: 'dataset',
    title: 'Dataset',
    numeric: false,
    value: (r) => r.setup?.dataset ?? null,
    format: (r) => r.setup?.dataset ?? '—',
  },
  { id: 'status', title: 'Status', numeric: false, value: (r) => r.status, format: (r) => r.status },
  {
    id: 'backend',
    title: 'Backend',
    numeric: false,
    value: (r) => r.backend,
    format: (r) => r.backend ?? '—',
  },
  {
    id: 'density',
    title: 'd',
    numeric: true,
    value: (r) => r.setup?.density ?? null,
    format: (r) => (r.setup ? String(r.setup.density) : '—'),
  },
  {
    id: 'sc',
    title: 'Sc',
    numeric: true,
    value: (r) => r.setup?.channelSparsity ?? null,
    format: (r) => (r.setup ? String(r.setup.channelSparsity) : '—'),
  },
  {
    id: 'best',
    title: 'Best acc.',
    description: 'Test accuracy of the best checkpoint (chosen on validation unless the config says test)',
    numeric: true,
    value: (r) => r.result?.best.testAccuracy ?? null,
    format: (r) => formatPercent(r.result?.best.testAccuracy),
  },
  {
    id: 'final',
    title: 'Final acc.',
    description: 'Test accuracy after the last epoch',
    numeric: true,
    value: (r) => r.result?.final.testAccuracy ?? null,
    format: (r) => formatPercent(r.result?.final.testAccuracy),
  },
  {
    id: 'gpu',
    title: 'GPU FLOPs',
    description:
      'GPU-supported FLOPs ratio: the channel-slimmed network counted dense, against the dense network',
    numeric: true,
    value: (r) => r.result?.flops.gpuSupportedRatio ?? null,
    format: (r) => formatRatio(r.result?.flops.gpuSupportedRatio),
  },
  {
    id: 'started',
    title: 'Started',
    numeric: true,
    value: (r) => r.startedAt ?? r.createdAt,
    format: (r, now) => formatShortTimestamp(r.startedAt ?? r.createdAt, now),
  },
  {
    id: 'duration',
    title: 'Duration',
    numeric: true,
    value: (r, now) => runDurationSeconds(r, now),
    format: (r, now) => formatSeconds(runDurationSeconds(r, now)),
  },
]

export interface RunQuery {
  readonly text: string
  readonly statuses: ReadonlySet<RunStatus>
  readonly tag: string
  readonly showArchived: boolean
  readonly sortBy: string
  readonly descending: boolean
}

/** The rows the table shows: filtered by text (name, id, preset, model, dataset, tags), status, tag and archive flag, then sorted. */
export function queryRuns(runs: readonly RunSummary[], query: RunQuery, now: number): RunSummary[] {
  const needle = query.text.trim().toLowerCase()
  const filtered = runs.filter((run) => {
    if (!query.showArchived && run.archived) return false
    if (query.statuses.size > 0 && !query.statuses.has(run.status)) return false
    if (query.tag && !run.tags.includes(query.tag)) return false
    if (!needle) return true
    const haystack = [
      run.name,
      run.id,
      run.preset ?? '',
      run.setup?.model ?? '',
      run.setup?.dataset ?? '',
      ...run.tags,
    ]
      .join('\n')
      .toLowerCase()
    return haystack.includes(needle)
  })
  const column = runColumns.find((c) => c.id === query.sortBy) ?? runColumns.find((c) => c.id === 'started')!
  const direction = query.descending ? -1 : 1
  const keyed = filtered.map((run) => ({ run, key: column.value(run, now) }))
  keyed.sort((a, b) => {
    if (a.key === null || b.key === null) return a.key === b.key ? 0 : a.key === null ? 1 : -1
    if (a.key < b.key) return -direction
    if (a.key > b.key) return direction
    return 0
  })
  return keyed.map((k) => k.run)
}
