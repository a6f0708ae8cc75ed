import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'

const weightsFile = 'weights.bin'

/**
 * A `file://`-style tfjs IOHandler on node:fs (tfjs-node, which ships one, is an optional dependency):
 * `save` writes the standard `model.json` + `weights.bin` into `directory`; `load` reads any standard
 * model.json there, whatever its weight shards are called. Accepts `file:///path` or a plain path.
 */
export function fileIoHandler(directory: string): tf.io.IOHandler {
  const dir = directory.startsWith('file://') ? directory.slice('file://'.length) : directory
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer)
        throw new Error('binary model topologies are not supported: save a Layers model')
      const weightData =
        artifacts.weightData === undefined
          ? new ArrayBuffer(0)
          : tf.io.CompositeArrayBuffer.join(artifacts.weightData)
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology ?? {},
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [weightsFile], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      }
      mkdirSync(dir, { recursive: true })
      const json = JSON.stringify(modelJson)
      writeFileSync(join(dir, 'model.json'), json)
      writeFileSync(join(dir, weightsFile), new Uint8Array(weightData))
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(modelJson.modelTopology).length,
          weightSpecsBytes: JSON.stringify(modelJson.weightsManifest).length,
          weightDataBytes: weightData.byteLength,
        },
      }
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights)
        const buffers = manifest.flatMap((group) =>
          group.paths.map((path) => toArrayBuffer(readFileSync(join(dir, path)))),
        )
        return [specs, tf.io.CompositeArrayBuffer.join(buffers)]
      })
    },
  }
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
}
