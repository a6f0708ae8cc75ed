import { EnvHttpProxyAgent, fetch as undiciFetch } from 'undici'
import type { FetchLike } from './download'

/** The proxy variables curl and pip read, either case; the lower-case one wins, as in curl. */
function pick(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return env[name.toLowerCase()] || env[name.toUpperCase()] || undefined
}

/**
 * A fetch that honours `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` (Node's own fetch ignores them):
 * https URLs go through a CONNECT tunnel, http URLs as proxied requests. Without a proxy set, Node's fetch.
 */
export function proxyAwareFetch(env: NodeJS.ProcessEnv): FetchLike {
  const httpProxy = pick(env, 'http_proxy')
  const httpsProxy = pick(env, 'https_proxy')
  if (httpProxy === undefined && httpsProxy === undefined) return (url, init) => fetch(url, init)
  const dispatcher = new EnvHttpProxyAgent({
    ...(httpProxy !== undefined ? { httpProxy } : {}),
    // Without HTTPS_PROXY, https goes through HTTP_PROXY too (what curl does).
    httpsProxy: httpsProxy ?? httpProxy,
    noProxy: pick(env, 'no_proxy') ?? '',
  })
  return async (url, init) => (await undiciFetch(url, { ...init, dispatcher })) as unknown as Response
}
