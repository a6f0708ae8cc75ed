import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { workbench } from '../api/workbench'
import type { ConnectionState } from '../api/websocketTransport'

/** Whether the host is reachable; `generation` grows at each reconnect so views reload what they show. */
export const useConnectionStore = defineStore('connection', () => {
  const state = ref<ConnectionState>('connecting')
  const detail = ref('')
  const generation = ref(0)
  const shell = workbench().shell
  let wasOpen = false
  workbench().onConnection((next, text) => {
    state.value = next
    detail.value = text
    if (next === 'open') {
      if (wasOpen) generation.value++
      wasOpen = true
    }
  })
  const label = computed(() => {
    if (state.value === 'open') return shell === 'electron' ? 'local' : '● connected'
    if (state.value === 'connecting') return '○ connecting…'
    return '✕ disconnected'
  })
  return { state, detail, generation, label, shell }
})
