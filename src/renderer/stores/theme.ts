import { defineStore } from 'pinia'
import { ref, watch } from 'vue'

export type ThemeName = 'light' | 'dark'

const storageKey = 'chase-workbench.theme'

// Storage can be unavailable (opaque origins, strict privacy settings): the theme then just is not remembered.
function readSaved(): string | null {
  try {
    return window.localStorage.getItem(storageKey)
  } catch {
    return null
  }
}
function save(theme: ThemeName): void {
  try {
    save(theme)
  } catch {
    // Not remembered; the choice still applies to this session.
  }
}

function initialTheme(): ThemeName {
  const saved = readSaved()
  if (saved === 'light' || saved === 'dark') return saved
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'
}

/** Light or dark, remembered across sessions; the CSS reads `data-theme` on <html>, charts read `name`. */
export const useThemeStore = defineStore('theme', () => {
  const name = ref<ThemeName>(initialTheme())
  const apply = (theme: ThemeName) => {
    document.documentElement.dataset.theme = theme
    document.documentElement.style.colorScheme = theme
  }
  apply(name.value)
  watch(name, (theme) => {
    apply(theme)
    save(theme)
  })
  function toggle(): void {
    name.value = name.value === 'dark' ? 'light' : 'dark'
  }
  return { name, toggle }
})
