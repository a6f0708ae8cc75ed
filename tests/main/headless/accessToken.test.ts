import type { IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import { isLoopback, sameSiteRequest, tokenMatches } from '../../../src/main/headless/accessToken'

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage
const url = (path: string) => new URL(path, 'http://x.invalid')

describe('access checks', () => {
  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '::1', 'localhost', '127.0.1.1'].every(isLoopback)).toBe(true)
    expect(isLoopback('0.0.0.0')).toBe(false)
    expect(isLoopback('192.168.1.2')).toBe(false)
    expect(isLoopback('127.attacker.example')).toBe(false)
    expect(isLoopback('127.0.0.1.nip.io')).toBe(false)
  })

  it('accepts the token from the query, a bearer header or the cookie, and nothing else', () => {
    expect(tokenMatches(request({}), url('/?token=abc'), 'abc')).toBe(true)
    expect(tokenMatches(request({ authorization: 'Bearer abc' }), url('/'), 'abc')).toBe(true)
    expect(tokenMatches(request({ cookie: 'a=1; chase_workbench_token=abc' }), url('/'), 'abc')).toBe(true)
    expect(tokenMatches(request({}), url('/?token=abd'), 'abc')).toBe(false)
    expect(tokenMatches(request({}), url('/?token=ab'), 'abc')).toBe(false)
    expect(tokenMatches(request({}), url('/'), 'abc')).toBe(false)
    expect(tokenMatches(request({}), url('/'), null)).toBe(true)
  })

  it('refuses foreign Host headers on loopback and foreign Origins everywhere', () => {
    expect(sameSiteRequest(request({ host: '127.0.0.1:4680' }), '127.0.0.1')).toBe(true)
    expect(sameSiteRequest(request({ host: 'attacker.example:4680' }), '127.0.0.1')).toBe(false)
    expect(
      sameSiteRequest(request({ host: '127.0.0.1:4680', origin: 'http://127.0.0.1:4680' }), '127.0.0.1'),
    ).toBe(true)
    expect(sameSiteRequest(request({ host: 'gpu-box:4680', origin: 'http://evil.example' }), '0.0.0.0')).toBe(
      false,
    )
    expect(sameSiteRequest(request({}), '127.0.0.1')).toBe(false)
  })
})
