import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { appVersion } from '../../../src/main/host/appVersion'

describe('appVersion', () => {
  it("is package.json's version", () => {
    const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../package.json'), 'utf8'))
    expect(appVersion).toBe(pkg.version)
  })
})
