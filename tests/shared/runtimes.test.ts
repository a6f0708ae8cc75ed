import { describe, expect, it } from 'vitest'
import { nodeVersionProblem, supportedNodeRange } from '../../src/shared/runtimes'
import manifest from '../../package.json'

describe('supported Node versions', () => {
  it('accepts Node 24 and 22.12+, and refuses Node 20 with what to install', () => {
    expect(nodeVersionProblem('v24.22.3')).toBeNull()
    expect(nodeVersionProblem('v22.12.0')).toBeNull()
    expect(nodeVersionProblem('v26.0.0')).toBeNull()
    expect(nodeVersionProblem('v22.11.0')).toMatch(/Node 22\.11\.0 is not supported/)
    expect(nodeVersionProblem('v20.20.2')).toMatch(/needs Node 24 LTS \(or 22\.12\+\)/)
    expect(nodeVersionProblem('nonsense')).toMatch(/Cannot read the Node version/)
  })

  it('matches package.json’s engines', () => {
    expect(manifest.engines.node).toBe(supportedNodeRange)
  })
})
