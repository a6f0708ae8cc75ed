// Packs what a Linux x64 GPU machine without Node or npm needs to run `bench/gpu.ts`, into one tar.gz:
//
//   node scripts/device-kit/pack.mjs [--out .device-kit/chase-gpu-kit.tar.gz] [--node PATH] [--no-vulkan-loader]
//
//   node/bin/node          Node 24 (symbols stripped where `strip` exists: a third of its size is debug info)
//   app/gpu.mjs (+chunks)  bench/gpu.ts and the trainer code it runs, bundled by esbuild
//   app/node_modules/      the tfjs packages (their Node builds and wasm binaries), seedrandom, and
//                          webgpu with Dawn's linux-x64 binary only
//   app/torch_reference.py the PyTorch reference
//   lib/                   the Vulkan loader and libglvnd from Debian (amd64), used only where the machine
//                          has none (run.sh decides)
//   run.sh                 scripts/device-kit/run.sh, to run from inside the unpacked kit too
//
// Refuses a kit over 60 MiB: it travels with the working tree to a lent machine, whose limit is 64 MiB.
import { execFileSync, spawnSync } from 'node:child_process'
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { build } from 'esbuild'

const root = resolve(import.meta.dirname, '../..')
const limitBytes = 60 * 1024 * 1024
const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join(root, '.device-kit/chase-gpu-kit.tar.gz') },
    node: { type: 'string', default: process.execPath },
    'no-vulkan-loader': { type: 'boolean', default: false },
  },
})

const nodeVersion = execFileSync(values.node, ['--version'], { encoding: 'utf8' }).trim()
const stage = mkdtempSync(join(tmpdir(), 'chase-gpu-kit-'))
try {
  if (!nodeVersion.startsWith('v24.'))
    fail(`--node ${values.node} is ${nodeVersion}; the kit needs Node 24 (the trainer's engines)`)
  if (process.platform !== 'linux' || process.arch !== 'x64')
    fail(`the kit is for linux-x64 GPU machines; this is ${process.platform}-${process.arch}`)
  const kit = join(stage, 'chase-gpu-kit')
  mkdirSync(join(kit, 'node/bin'), { recursive: true })
  copyNode(values.node, join(kit, 'node/bin/node'))
  await bundleBench(join(kit, 'app'))
  copyPackages(join(kit, 'app/node_modules'))
  copyFileSync(join(root, 'bench/torch_reference.py'), join(kit, 'app/torch_reference.py'))
  // The kit holds the code as packed: say which, so a result can be traced to its commit.
  writeFileSync(join(kit, 'app/kit.json'), `${JSON.stringify(provenance())}\n`)
  copyFileSync(join(root, 'scripts/device-kit/run.sh'), join(kit, 'run.sh'))
  chmodSync(join(kit, 'run.sh'), 0o755)
  if (!values['no-vulkan-loader']) vulkanLoader(join(kit, 'lib'))

  const out = resolve(values.out)
  mkdirSync(dirname(out), { recursive: true })
  execFileSync('tar', ['-czf', out, '-C', stage, 'chase-gpu-kit'])
  const bytes = statSync(out).size
  console.log(`kit ${out}: ${mib(bytes)} (limit ${mib(limitBytes)}), unpacked ${mib(folderBytes(kit))}`)
  if (bytes > limitBytes) {
    rmSync(out)
    fail(`the kit is ${mib(bytes)}, over ${mib(limitBytes)}: removed; leave something out`)
  }
} catch (error) {
  console.error(`device kit: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
} finally {
  rmSync(stage, { recursive: true, force: true })
}

function copyNode(from, to) {
  copyFileSync(from, to)
  chmodSync(to, 0o755)
  const before = statSync(to).size
  const strip = spawnSync('strip', [to])
  if (strip.status === 0)
    console.log(`node ${nodeVersion}: ${mib(before)} → ${mib(statSync(to).size)} stripped`)
  else
    console.log(
      `node ${nodeVersion}: ${mib(before)} (strip unavailable: ${strip.error?.message ?? strip.stderr})`,
    )
}

/** bench/gpu.ts as ES modules; the packages with native code or wasm files stay outside, as node_modules. */
async function bundleBench(appDir) {
  await build({
    entryPoints: { gpu: join(root, 'bench/gpu.ts') },
    outdir: appDir,
    bundle: true,
    // Chunks keep lazily imported modules (ONNX Runtime's bench) from hoisting their imports into gpu.mjs.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    outExtension: { '.js': '.mjs' },
    external: ['@tensorflow/*', 'webgpu', 'onnxruntime-node', 'better-sqlite3', 'electron'],
    // Bundled CommonJS code may call require(); ES modules have none.
    banner: {
      js: "import { createRequire as __kitRequire } from 'node:module'; const require = __kitRequire(import.meta.url);",
    },
    logLevel: 'warning',
  })
}

function copyPackages(modules) {
  const from = (name) => join(root, 'node_modules', name)
  const copy = (name, ...paths) => {
    for (const path of ['package.json', ...paths]) {
      const source = join(from(name), path)
      if (!existsSync(source)) fail(`node_modules/${name}/${path} is missing: run npm install`)
      cpSync(source, join(modules, name, path), { recursive: true })
    }
  }
  copy('@tensorflow/tfjs-core', 'dist/tf-core.node.js')
  copy('@tensorflow/tfjs-backend-cpu', 'dist/tf-backend-cpu.node.js')
  copy('@tensorflow/tfjs-backend-wasm', 'dist/tf-backend-wasm.node.js', 'wasm-out')
  for (const wasm of readdirSync(from('@tensorflow/tfjs-backend-wasm/dist')).filter((f) =>
    f.endsWith('.wasm'),
  ))
    copy('@tensorflow/tfjs-backend-wasm', `dist/${wasm}`)
  copy('@tensorflow/tfjs-backend-webgpu', 'dist/tf-backend-webgpu.node.js')
  copy('@tensorflow/tfjs-layers', 'dist/tf-layers.node.js')
  copy('seedrandom', 'index.js', 'lib', 'seedrandom.js')
  copy('webgpu', 'index.js', 'dist/linux-x64')
}

/** Debian bookworm's libvulkan1 and libglvnd (NVIDIA's Vulkan driver loads libGLX_nvidia, which needs them). */
function vulkanLoader(libDir) {
  const debs = mkdtempSync(join(tmpdir(), 'chase-kit-debs-'))
  try {
    const lists = join(debs, 'lists')
    mkdirSync(join(lists, 'partial'), { recursive: true })
    const options = [
      '-oAPT::Architecture=amd64',
      '-oAPT::Architectures=amd64',
      `-oDir::State::Lists=${lists}`,
    ]
    const packages = ['libvulkan1', 'libglvnd0', 'libglx0', 'libegl1']
    const apt = (args) => spawnSync('apt-get', [...options, ...args], { cwd: debs, encoding: 'utf8' })
    const update = apt(['update'])
    const download = update.status === 0 ? apt(['download', ...packages]) : update
    if (download.status !== 0)
      fail(
        `could not download ${packages.join(', ')} with apt-get (${download.error?.message ?? download.stderr.trim()}); ` +
          'pack with --no-vulkan-loader if the GPU machine has libvulkan.so.1',
      )
    const tree = join(debs, 'tree')
    for (const deb of readdirSync(debs).filter((f) => f.endsWith('.deb')))
      execFileSync('dpkg', ['-x', join(debs, deb), tree])
    mkdirSync(libDir, { recursive: true })
    const libs = join(tree, 'usr/lib/x86_64-linux-gnu')
    for (const file of readdirSync(libs).filter((f) => f.includes('.so')))
      cpSync(join(libs, file), join(libDir, file), { verbatimSymlinks: true })
    console.log(`vulkan loader: ${readdirSync(libDir).join(' ')}`)
  } finally {
    rmSync(debs, { recursive: true, force: true })
  }
}

function provenance() {
  const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim()
  return {
    commit: git('rev-parse', 'HEAD'),
    uncommittedChanges: git('status', '--porcelain', '--untracked-files=no') !== '',
    packedAt: new Date().toISOString(),
    node: nodeVersion,
  }
}

function folderBytes(path) {
  const info = lstatSync(path)
  if (!info.isDirectory()) return info.size
  return readdirSync(path).reduce((sum, name) => sum + folderBytes(join(path, name)), 0)
}

function mib(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}

function fail(message) {
  throw new Error(message)
}
