import { readonly, shallowRef, type Ref } from 'vue'
import { parseRoute, routeHash, type Route } from './route'

const current = shallowRef<Route>(parseRoute(window.location.hash))
window.addEventListener('hashchange', () => {
  current.value = parseRoute(window.location.hash)
})

/** The current page, following the location hash (back/forward and pasted links included). */
export function useRoute(): Readonly<Ref<Route>> {
  return readonly(current) as Readonly<Ref<Route>>
}

export function navigate(route: Route): void {
  const hash = routeHash(route)
  if (window.location.hash === hash) current.value = parseRoute(hash)
  else window.location.hash = hash
}
