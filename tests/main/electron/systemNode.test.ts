import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  findSystemNode,
  installPlaces,
  minimumNodeVersion,
  systemNodeVariable,
} from '../../../src/main/electron/systemNode'

const root = mkdtempSync(join(tmpdir(), 'system-node-'))

/** A folder holding a `node` that is a shell script printing `output` for `--version`. */
function fakeNode(folder: string, output: string): string {
  const dir = join(root, folder)
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'node')
  writeFileSync(file, `#!/bin/sh\necho '${output}'\n`)
  chmodSync(file, 0o755)
  return dir
}

const emptyDir = (folder: string) => {
  const dir = join(root, folder)
  mkdirSync(dir, { recursive: true })
  return dir
}

describe.skipIf(process.platform === 'win32')('findSystemNode', () => {
  it(`takes ${systemNodeVariable} over a newer node on PATH`, async () => {
    const chosen = fakeNode('chosen', 'v22.14.0')
    const onPath = fakeNode('on-path', 'v24.11.1')
    const found = await findSystemNode({
      env: { [systemNodeVariable]: join(chosen, 'node'), PATH: onPath },
      platform: 'linux',
      installPlaces: [],
    })
    expect(found).toEqual({ found: true, path: join(chosen, 'node'), version: 'v22.14.0' })
  })

  it(`refuses a too-old ${systemNodeVariable} without falling back to PATH`, async () => {
    const chosen = fakeNode('chosen-old', 'v20.19.0')
    const onPath = fakeNode('on-path-good', 'v24.11.1')
    const found = await findSystemNode({
      env: { [systemNodeVariable]: join(chosen, 'node'), PATH: onPath },
      platform: 'linux',
      installPlaces: [],
    })
    expect(found.found).toBe(false)
    if (found.found) return
    expect(found.reason).toContain(
      `${systemNodeVariable}=${join(chosen, 'node')} is v20.19.0, older than 22.12.0`,
    )
  })

  it('takes the first supported node on PATH, skipping folders without one and too-old ones', async () => {
    const none = emptyDir('no-node')
    const old = fakeNode('old', 'v20.20.2')
    const good = fakeNode('good', 'v24.11.1')
    const later = fakeNode('later', 'v25.0.0')
    const found = await findSystemNode({
      env: { PATH: [none, old, good, later].join(':') },
      platform: 'linux',
      installPlaces: [],
    })
    expect(found).toEqual({ found: true, path: join(good, 'node'), version: 'v24.11.1' })
  })

  it('tries the install places after PATH', async () => {
    const place = fakeNode('install-place', 'v22.12.0')
    const found = await findSystemNode({
      env: { PATH: emptyDir('path-without-node') },
      platform: 'linux',
      installPlaces: [join(root, 'nowhere', 'node'), join(place, 'node')],
    })
    expect(found).toEqual({ found: true, path: join(place, 'node'), version: 'v22.12.0' })
  })

  it('refuses a node older than the engines range and says which one it saw', async () => {
    const old = fakeNode('only-old', 'v22.11.0')
    const found = await findSystemNode({ env: { PATH: old }, platform: 'linux', installPlaces: [] })
    expect(found.found).toBe(false)
    if (found.found) return
    expect(found.reason).toContain(`${join(old, 'node')} is v22.11.0, older than 22.12.0`)
  })

  it('refuses a program named node that is not Node.js', async () => {
    const impostor = fakeNode('impostor', 'hello')
    const found = await findSystemNode({ env: { PATH: impostor }, platform: 'linux', installPlaces: [] })
    expect(found.found).toBe(false)
    if (found.found) return
    expect(found.reason).toContain('is not Node.js (--version printed "hello")')
  })

  it('says how to get one when there is none at all', async () => {
    const found = await findSystemNode({
      env: { PATH: emptyDir('still-no-node') },
      platform: 'linux',
      installPlaces: [join(root, 'nowhere', 'node')],
    })
    expect(found.found).toBe(false)
    if (found.found) return
    expect(found.reason).toMatch(/^No Node\.js 22\.12\.0 or newer was found: install Node 24 LTS/)
    expect(found.reason).toContain(`set ${systemNodeVariable}=/path/to/node`)
    expect(found.reason).toContain('memory cage')
  })
})

describe('installPlaces', () => {
  it("lists nvm's installed versions newest first, after the system places", () => {
    const home = emptyDir('home')
    for (const version of ['v22.12.0', 'v24.2.0', 'v24.11.1', 'not-a-version'])
      mkdirSync(join(home, '.nvm', 'versions', 'node', version), { recursive: true })
    const places = installPlaces('linux', {}, home)
    expect(places.slice(0, 2)).toEqual(['/usr/local/bin/node', '/usr/bin/node'])
    expect(places.filter((place) => place.includes('.nvm'))).toEqual([
      join(home, '.nvm/versions/node/v24.11.1/bin/node'),
      join(home, '.nvm/versions/node/v24.2.0/bin/node'),
      join(home, '.nvm/versions/node/v22.12.0/bin/node'),
    ])
  })

  it("looks in Program Files and nvm-windows' link on Windows", () => {
    expect(
      installPlaces(
        'win32',
        { ProgramFiles: 'C:\\Program Files', NVM_SYMLINK: 'C:\\nvm4w\\nodejs' },
        'C:\\Users\\a',
      ),
    ).toEqual(['C:\\nvm4w\\nodejs\\node.exe', 'C:\\Program Files\\nodejs\\node.exe'])
  })
})

it('requires the Node version package.json declares in engines', () => {
  const manifest = JSON.parse(
    readFileSync(resolve(import.meta.dirname, '../../../package.json'), 'utf8'),
  ) as {
    engines: { node: string }
  }
  expect(manifest.engines.node).toBe(`>=${minimumNodeVersion.join('.')}`)
})
