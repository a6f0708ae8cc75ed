/** The pages of the app, as deep-linkable hash routes (#/runs, #/runs/new, #/runs/<id>, #/compare?ids=a,b, #/bench, #/datasets). */
export type Route =
  | { readonly name: 'runs' }
  | { readonly name: 'new-run'; readonly cloneFrom?: string; readonly preset?: string }
  | { readonly name: 'run'; readonly id: string }
  | { readonly name: 'compare'; readonly ids: readonly string[] }
  | { readonly name: 'bench'; readonly runId?: string }
  | { readonly name: 'datasets' }
  | { readonly name: 'sweeps' }
  | { readonly name: 'sweep'; readonly id: string }
  | { readonly name: 'not-found'; readonly hash: string }

/** Reads a location hash such as `#/compare?ids=a,b` into a route. */
export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#/, '') || '/runs'
  const [pathPart = '', queryPart = ''] = text.split('?', 2)
  const query = new URLSearchParams(queryPart)
  const segments = pathPart.split('/').filter(Boolean).map(decodeURIComponent)
  const [first, second, ...rest] = segments
  if (rest.length > 0) return { name: 'not-found', hash }
  if (first === 'runs' && second === undefined) return { name: 'runs' }
  if (first === 'runs' && second === 'new') {
    return {
      name: 'new-run',
      cloneFrom: query.get('clone') ?? undefined,
      preset: query.get('preset') ?? undefined,
    }
  }
  if (first === 'runs' && second !== undefined) return { name: 'run', id: second }
  if (first === 'compare' && second === undefined) {
    const ids = (query.get('ids') ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean)
    return { name: 'compare', ids: [...new Set(ids)] }
  }
  if (first === 'datasets' && second === undefined) return { name: 'datasets' }
  if (first === 'sweeps') return second === undefined ? { name: 'sweeps' } : { name: 'sweep', id: second }
  if (first === 'bench' && second === undefined)
    return { name: 'bench', runId: query.get('run') ?? undefined }
  return { name: 'not-found', hash }
}

/** The hash that leads to a route; `parseRoute(routeHash(r))` gives `r` back. */
export function routeHash(route: Route): string {
  switch (route.name) {
    case 'runs':
      return '#/runs'
    case 'new-run': {
      const query = new URLSearchParams()
      if (route.cloneFrom) query.set('clone', route.cloneFrom)
      if (route.preset) query.set('preset', route.preset)
      const text = query.toString()
      return text ? `#/runs/new?${text}` : '#/runs/new'
    }
    case 'run':
      return `#/runs/${encodeURIComponent(route.id)}`
    case 'compare':
      // Ids are kept readable in the link: commas separate them, so only the other reserved characters are escaped.
      return `#/compare?ids=${route.ids.map(encodeURIComponent).join(',')}`
    case 'bench':
      return route.runId ? `#/bench?run=${encodeURIComponent(route.runId)}` : '#/bench'
    case 'datasets':
      return '#/datasets'
    case 'sweeps':
      return '#/sweeps'
    case 'sweep':
      return `#/sweeps/${encodeURIComponent(route.id)}`
    case 'not-found':
      return route.hash
  }
}
