import { describe, expect, it } from 'vitest'
import { backendNames } from '../../../src/shared/backends/backendNames'
import type { SystemNode } from '../../../src/main/electron/systemNode'
import { trainerRouteFor } from '../../../src/main/electron/trainerRoute'

const found: SystemNode = { found: true, path: '/usr/local/bin/node', version: 'v24.11.1' }
const none: SystemNode = {
  found: false,
  reason: 'No Node.js 22.12.0 or newer was found: install Node 24 LTS',
}

describe('trainerRouteFor', () => {
  it('starts webgpu on the system Node.js', () => {
    expect(trainerRouteFor('webgpu', found)).toEqual({ via: 'system-node', nodePath: '/usr/local/bin/node' })
  })

  it("refuses webgpu with the finder's reason when there is no usable Node.js", () => {
    expect(trainerRouteFor('webgpu', none)).toEqual({
      via: 'refused',
      error: `The "webgpu" backend needs Node.js outside the app. ${none.reason}`,
    })
  })

  it('keeps every other backend, auto and an unnamed one in the utility process, Node.js or not', () => {
    for (const backend of [...backendNames.filter((name) => name !== 'webgpu'), 'auto', undefined] as const)
      for (const node of [found, none])
        expect(trainerRouteFor(backend, node)).toEqual({ via: 'utility-process' })
  })
})
