import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { gunzipSync } from 'node:zlib'
import * as tfjs from '@tensorflow/tfjs'
import * as ort from 'onnxruntime-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main as cli } from '../../../../src/main/headless/cli'
import type { NetworkMetadata } from '../../../../src/shared/export/networkMetadata'
import { runFiles } from '../../../../src/shared/export/networkMetadata'
import { ArtifactFile } from '../../../../src/shared/api/artifactExports'
import { forward } from '../../../../src/trainer/model/forward'
import { disposeParameters } from '../../../../src/trainer/model/parameters'
import { loadSlimmedNetwork } from '../../../../src/trainer/training/slimmedNetworkFile'
import { captureIo } from '../../headless/cliIo'
import { fashionMnistFixture, trainExportableRun, type ExportableRun } from '../../../support/exportableRun'

const python = '/usr/bin/python3'
const readers = resolve(import.meta.dirname, 'readers')
const batchSize = 16

/** The fixture's raw test pixels and labels, read straight from the IDX files (no workbench code). */
function fixtureTestSet(): { pixels: Uint8Array; labels: Uint8Array; count: number; size: number } {
  const images = gunzipSync(readFileSync(join(fashionMnistFixture, 't10k-images-idx3-ubyte.gz')))
  const labels = gunzipSync(readFileSync(join(fashionMnistFixture, 't10k-labels-idx1-ubyte.gz')))
  const count = images.readUInt32BE(4)
  const size = images.readUInt32BE(8) * images.readUInt32BE(12)
  return { pixels: images.subarray(16), labels: labels.subarray(8), count, size }
}

/** Preprocesses `count` images exactly as the metadata says, in NHWC. */
function prepare(metadata: NetworkMetadata, first: number, count: number): Float32Array {
  const { pixels, size } = fixtureTestSet()
  const { pixelScale, mean, std } = metadata.preprocessing
  const channels = mean.length
  const out = new Float32Array(count * size * channels)
  for (let i = 0; i < out.length; i++) {
    const c = i % channels
    out[i] = (pixels[first * size * channels + i]! * pixelScale - mean[c]!) / std[c]!
  }
  return out
}

function nhwcToNchw(data: Float32Array, [n, h, w, c]: number[]): Float32Array {
  const out = new Float32Array(data.length)
  for (let b = 0; b < n!; b++)
    for (let y = 0; y < h!; y++)
      for (let x = 0; x < w!; x++)
        for (let ch = 0; ch < c!; ch++)
          out[((b * c! + ch) * h! + y) * w! + x] = data[((b * h! + y) * w! + x) * c! + ch]!
  return out
}

function runPython(args: string[]): string {
  const result = spawnSync(python, args, { encoding: 'utf8', timeout: 120_000 })
  if (result.status !== 0) throw new Error(`${args[0]} failed (${result.status}): ${result.stderr}`)
  return result.stdout
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length)
  let worst = 0
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!))
  return worst
}

describe('exports other tools read, from a real run', () => {
  let trained: ExportableRun
  let out: string
  let nhwcBatch: Float32Array
  let batchShape: number[]
  const tfjsLogits = new Map<string, Float32Array>()

  beforeAll(async () => {
    tfjs.setBackend('cpu')
    await tfjs.ready()
    trained = await trainExportableRun()
    out = mkdtempSync(join(tmpdir(), 'chase-export-out-'))
    const metadata = JSON.parse(readFileSync(join(trained.run.runDir, runFiles.metadata), 'utf8')) as Record<
      string,
      NetworkMetadata
    >
    const [h, w, c] = metadata.slimmed!.input.shape as number[]
    batchShape = [batchSize, h!, w!, c!]
    nhwcBatch = prepare(metadata.slimmed!, 0, batchSize)
    // The workbench's own tfjs forward pass of each trained network: the reference every export must match.
    for (const variant of ['dense', 'slimmed'] as const) {
      const file = variant === 'dense' ? runFiles.denseNetwork : runFiles.slimmedNetwork
      const network = loadSlimmedNetwork(join(trained.run.runDir, file))
      const logits = tfjs.tidy(() => {
        const x = tfjs.tensor4d(nhwcBatch, batchShape as [number, number, number, number])
        return forward(network.spec, network.params, x, { training: false }).logits.dataSync() as Float32Array
      })
      disposeParameters(network.params)
      tfjsLogits.set(variant, Float32Array.from(logits))
    }
  }, 600_000)

  afterAll(async () => {
    if (out) rmSync(out, { recursive: true, force: true })
    await trained?.close()
  })

  it('removes channels, so the slimmed network is a different, smaller network than the dense one', () => {
    expect(trained.run.result!.channelSparsity).toBeGreaterThan(0)
    expect(trained.run.result!.parameters.slimmed).toBeLessThan(trained.run.result!.parameters.dense)
  })

  it("reproduces the run's slimmed test accuracy in public @tensorflow/tfjs from what model.json says", async () => {
    const folder = join(trained.run.runDir, runFiles.slimmedTfjs)
    const modelJson = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')) as {
      modelTopology: object
      weightsManifest: { paths: string[]; weights: tfjs.io.WeightsManifestEntry[] }[]
      userDefinedMetadata: NetworkMetadata
    }
    const meta = modelJson.userDefinedMetadata
    expect(meta).toMatchObject({
      runId: trained.run.id,
      configHash: trained.run.configHash,
      network: 'slimmed',
      dataset: 'fashion-mnist',
      input: { shape: [28, 28, 1], layout: 'NHWC', dtype: 'float32' },
      preprocessing: { pixelScale: 1 / 255, mean: [0.286], std: [0.353] },
    })
    expect(meta.classNames).toHaveLength(10)
    expect(meta.classNames[9]).toBe('Ankle boot')

    const weightData = Buffer.concat(
      modelJson.weightsManifest.flatMap((group) => group.paths.map((p) => readFileSync(join(folder, p)))),
    )
    const model = await tfjs.loadLayersModel(
      tfjs.io.fromMemory({
        modelTopology: modelJson.modelTopology,
        weightSpecs: modelJson.weightsManifest.flatMap((group) => group.weights),
        weightData: weightData.buffer.slice(
          weightData.byteOffset,
          weightData.byteOffset + weightData.byteLength,
        ),
      }),
    )
    const count = meta.accuracy.testImages
    const x = tfjs.tensor(prepare(meta, 0, count), [count, ...meta.input.shape])
    const predicted = tfjs.tidy(() => (model.predict(x) as tfjs.Tensor).argMax(-1).dataSync())
    x.dispose()
    model.dispose()
    const { labels } = fixtureTestSet()
    let correct = 0
    for (let i = 0; i < count; i++) if (predicted[i] === labels[i]) correct += 1

    const result = trained.run.result!
    const runAccuracy = result.recalibratedTestAccuracy ?? result.slimmedTestAccuracy
    expect(meta.accuracy.testAccuracy).toBe(runAccuracy)
    // Another backend's float rounding may flip at most one borderline image.
    expect(Math.abs(correct / count - runAccuracy)).toBeLessThanOrEqual(1 / count + 1e-12)
  }, 120_000)

  for (const variant of ['dense', 'slimmed'] as const) {
    it(`writes a ${variant} ONNX model that onnx.checker accepts and ONNX Runtime runs like tfjs (API)`, async () => {
      const context = { client: trained.host.hub.connect(() => {}) }
      const file = ArtifactFile.parse(
        await trained.host.api.call(
          'runs.exportArtifact',
          { runId: trained.run.id, format: 'onnx', network: variant },
          context,
        ),
      )
      const bytes = Buffer.from(file.contentBase64, 'base64')
      expect(bytes.byteLength).toBe(file.byteLength)
      const path = join(out, file.fileName)
      writeFileSync(path, bytes)

      const checked = JSON.parse(runPython([join(readers, 'check_onnx.py'), path])) as {
        opset: number
        outputDims: (string | number)[]
        metadata: Record<string, string>
      }
      expect(checked.opset).toBeGreaterThanOrEqual(13)
      expect(checked.outputDims).toEqual(['batch', 10])
      expect(checked.metadata.network).toBe(variant)
      expect(JSON.parse(checked.metadata.input!)).toMatchObject({ layout: 'NCHW', shape: [1, 28, 28] })

      const session = await ort.InferenceSession.create(bytes)
      const [n, h, w, c] = batchShape
      const input = new ort.Tensor('float32', nhwcToNchw(nhwcBatch, batchShape), [n!, c!, h!, w!])
      const outputs = await session.run({ [session.inputNames[0]!]: input })
      await session.release()
      const logits = outputs.logits!.data as Float32Array
      expect(maxAbsDifference(logits, tfjsLogits.get(variant)!)).toBeLessThan(1e-4)
    }, 120_000)

    it(`writes ${variant} safetensors that PyTorch loads into a VGG built from the widths (CLI)`, async () => {
      const path = join(out, `${variant}.safetensors`)
      const io = captureIo(out)
      const code = await cli(
        [
          'runs',
          'export',
          trained.run.id,
          '--db',
          trained.host.store.paths.dbPath,
          '--format',
          'safetensors',
          '--network',
          variant,
          '--out',
          path,
        ],
        io,
      )
      expect(code, io.err()).toBe(0)
      const [n, h, w, c] = batchShape
      const batchPath = join(out, `${variant}-batch.f32`)
      writeFileSync(batchPath, nhwcToNchw(nhwcBatch, batchShape))
      const logitsPath = join(out, `${variant}-torch.f32`)
      const report = JSON.parse(
        runPython([join(readers, 'torch_from_safetensors.py'), path, batchPath, String(n), logitsPath]),
      ) as { layout: string; classes: number[] }
      expect(report).toEqual({ layout: 'NCHW', classes: [n, 10] })
      expect([h, w, c]).toEqual([28, 28, 1])
      const bytes = readFileSync(logitsPath)
      const torchLogits = new Float32Array(
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      )
      expect(maxAbsDifference(torchLogits, tfjsLogits.get(variant)!)).toBeLessThan(1e-4)
    }, 180_000)
  }

  it('writes a TensorBoard event file in which an independent reader finds every point (CLI)', async () => {
    const logdir = join(out, 'tb')
    const io = captureIo(out)
    const code = await cli(
      [
        'runs',
        'export',
        trained.run.id,
        '--db',
        trained.host.store.paths.dbPath,
        '--format',
        'tensorboard',
        '--out',
        logdir,
      ],
      io,
    )
    expect(code, io.err()).toBe(0)
    const runFolder = join(logdir, trained.run.id)
    const [eventFile] = readdirSync(runFolder)
    expect(eventFile).toMatch(/^events\.out\.tfevents\.\d+\./)
    const generated = join(out, 'generated')
    mkdirSync(generated)
    const protoc = spawnSync(
      'protoc',
      [`--proto_path=${readers}`, `--python_out=${generated}`, 'tensorboard_events.proto'],
      { encoding: 'utf8' },
    )
    expect(protoc.status, protoc.stderr).toBe(0)
    const read = JSON.parse(
      runPython([join(readers, 'read_tensorboard.py'), generated, join(runFolder, eventFile!)]),
    ) as {
      fileVersion: string
      scalars: Record<string, [number, number, number][]>
      histograms: Record<string, { step: number; num: number; counts: number[]; limits: number[] }[]>
    }
    expect(read.fileVersion).toBe('brain.Event:2')

    const store = trained.host.store
    const series = store.series.metrics(trained.run.id)
    expect(series.length).toBeGreaterThan(3)
    expect(Object.keys(read.scalars).sort()).toEqual(series.map((s) => s.key).sort())
    for (const s of series) {
      const points = read.scalars[s.key]!
      expect(points.map((p) => p[0])).toEqual(s.steps)
      expect(points.map((p) => p[1])).toEqual(s.values.map((v) => Math.fround(v)))
    }

    const snapshots = store.series.layerSnapshots(trained.run.id)
    expect(snapshots.length).toBeGreaterThan(1)
    for (const snapshot of snapshots)
      for (const layer of snapshot.layers) {
        const histogram = read.histograms[`channel_density/${layer.group}`]!.find(
          (h) => h.step === snapshot.step,
        )!
        expect(histogram.num).toBe(layer.density.length)
        expect(histogram.counts.reduce((a, b) => a + b, 0)).toBe(layer.density.length)
        expect(histogram.limits.at(-1)).toBe(1)
      }
    const histogramPoints = Object.values(read.histograms).reduce((sum, list) => sum + list.length, 0)
    expect(histogramPoints).toBe(snapshots.reduce((sum, s) => sum + s.layers.length, 0))
  }, 120_000)

  it('refuses what it cannot export, saying why', async () => {
    const context = { client: trained.host.hub.connect(() => {}) }
    await expect(
      trained.host.api.call('runs.exportArtifact', { runId: trained.run.id, format: 'pdf' }, context),
    ).rejects.toMatchObject({ code: 'invalid-request' })
    const io = captureIo(out)
    const code = await cli(
      [
        'runs',
        'export',
        trained.run.id,
        '--db',
        trained.host.store.paths.dbPath,
        '--format',
        'tensorboard',
        '--network',
        'dense',
      ],
      io,
    )
    expect(code).not.toBe(0)
    expect(io.err()).toMatch(/--network applies to onnx and safetensors/)
  })
})
