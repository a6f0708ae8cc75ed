import { computed, ref, shallowRef, watch, type Ref } from 'vue'
import { computePlan, type PlanResult } from '../../shared/chase/plan'
import { parseExperimentConfig } from '../../shared/config/parseConfig'
import type { ExperimentConfig } from '../../shared/config/experimentConfig'
import type { ConfigIssue } from '../../shared/config/configIssues'
import { configFields } from '../form/configFields'
import { getPath, issuesByField, setPath, type Draft } from '../form/configDraft'

const fields = configFields()

/**
 * The state behind the run form: the draft, its validation against the shared schema, and the live plan
 * (recomputed shortly after typing stops, from the last valid config).
 */
export function useRunDraft(initial: Draft, planDelayMs = 120) {
  const draft = ref<Draft>(initial) as Ref<Draft>
  const serverIssues = ref<readonly ConfigIssue[]>([])
  const parsed = computed(() => parseExperimentConfig(draft.value))
  const lastValid = shallowRef<ExperimentConfig | null>(parsed.value.ok ? parsed.value.config : null)
  const plan = shallowRef<PlanResult | null>(null)

  let timer: ReturnType<typeof setTimeout> | undefined
  const replan = (config: ExperimentConfig) => {
    lastValid.value = config
    plan.value = computePlan(config)
  }
  watch(
    parsed,
    (result) => {
      serverIssues.value = []
      if (!result.ok) return
      clearTimeout(timer)
      timer = setTimeout(() => replan(result.config), planDelayMs)
    },
    { immediate: false },
  )
  if (lastValid.value) replan(lastValid.value)

  const planErrors = computed<readonly ConfigIssue[]>(() =>
    parsed.value.ok && plan.value && !plan.value.ok ? plan.value.errors : [],
  )
  const issues = computed(() => {
    const all = [...(parsed.value.ok ? [] : parsed.value.issues), ...planErrors.value, ...serverIssues.value]
    return issuesByField(all, fields)
  })
  const errorCount = computed(
    () =>
      [...issues.value.byPath.values()].reduce((n, list) => n + list.length, 0) + issues.value.general.length,
  )

  function set(path: string, value: unknown): void {
    draft.value = setPath(draft.value, path, value)
  }
  function get(path: string): unknown {
    return getPath(draft.value, path)
  }
  function replace(next: Draft): void {
    draft.value = next
  }

  return { fields, draft, parsed, plan, lastValid, issues, errorCount, serverIssues, set, get, replace }
}
