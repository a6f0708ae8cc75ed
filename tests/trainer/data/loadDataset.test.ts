import { cp } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ExperimentConfig } from '../../../src/shared/config/experimentConfig'
import { DatasetError } from '../../../src/trainer/data/datasetError'
import { DownloadError } from '../../../src/trainer/data/download'
import { loadDataset } from '../../../src/trainer/data/loadDataset'
import { classCounts } from '../../../src/trainer/data/split'
import { cifarFixture, fashionFixture, tempDir } from './testData'

const data = (input: Record<string, unknown>) => ExperimentConfig.parse({ data: input }).data

describe('loadDataset', () => {
  it('loads CIFAR-10 from data.path with trainLimit, testLimit and a seeded stratified validation split', async () => {
    const loaded = await loadDataset(
      data({ dataset: 'cifar10', path: cifarFixture, trainLimit: 200, testLimit: 50, validationSplit: 0.1 }),
      {
        seed: 41,
      },
    )
    expect(loaded.info.name).toBe('cifar10')
    expect(loaded.train.count).toBe(180)
    expect(loaded.validation!.count).toBe(20)
    expect(loaded.test.count).toBe(50)
    expect(Math.max(...loaded.train.indices, ...loaded.validation!.indices)).toBeLessThan(200) // only the first 200
    expect(loaded.augmentation).toEqual({ crop: true, flip: true, padding: 4, paddingMode: 'reflect' })
    expect(loaded.folder).toBe(cifarFixture)
    const notes = loaded.notes.join('\n')
    expect(notes).toContain('trainLimit: using the first 200 of 300 training images')
    expect(notes).toContain('testLimit: using the first 50 of 100 test images')
    expect(notes).toContain(
      'Validation: 20 of 200 training images held out (stratified, seed 41); 180 left to train on',
    )
    expect(notes).toContain('Training augmentation: pad 4 (reflect) + random crop + horizontal flip')
    expect(notes).toContain('is a subset of CIFAR-10')
  })

  it('holds out the same validation images for the same seed', async () => {
    const config = data({ dataset: 'cifar10', path: cifarFixture })
    const a = await loadDataset(config, { seed: 3 })
    const b = await loadDataset(config, { seed: 3 })
    expect([...a.validation!.indices]).toEqual([...b.validation!.indices])
    expect(classCounts(a.validation!, 10).reduce((x, y) => x + y)).toBe(15) // 5 % of 300
  })

  it('finds Fashion-MNIST in the usual places when data.path is empty', async () => {
    const root = await tempDir()
    await cp(fashionFixture, join(root, 'fashion-mnist'), { recursive: true })
    const loaded = await loadDataset(data({ dataset: 'fashion-mnist', validationSplit: 0 }), {
      seed: 41,
      roots: [root],
    })
    expect(loaded.folder).toBe(join(root, 'fashion-mnist'))
    expect(loaded.validation).toBeNull()
    expect(loaded.train.count).toBe(600)
    expect(loaded.augmentation.crop).toBe(false)
    expect(loaded.notes).toContain('No validation split: model selection has only the test set')
  })

  it('generates the synthetic dataset without any file', async () => {
    const loaded = await loadDataset(data({ dataset: 'synthetic' }), { seed: 41, roots: [] })
    expect(loaded.folder).toBeNull()
    expect(loaded.train.count + loaded.validation!.count).toBe(2000)
    expect(loaded.test.count).toBe(500)
    expect(loaded.train.set.shape).toEqual([16, 16, 3])
  })

  it('says where it looked and how to get a dataset it cannot find', async () => {
    const root = await tempDir()
    const error = await loadDataset(data({ dataset: 'mnist' }), {
      seed: 41,
      roots: [root],
      env: { CHASE_WORKBENCH_DATA: root },
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DatasetError)
    const message = (error as Error).message
    expect(message).toContain(`MNIST was not found in ${root} (as "mnist", "MNIST/raw", "mnist/raw")`)
    expect(message).toContain(
      `download it (11.6 MB from ossci-datasets.s3.amazonaws.com into ${root}: the Download button on the ` +
        'Datasets page, `chase-workbench data download mnist` or `train --download`)',
    )
    expect(message).toContain('1. On a machine with internet access, download these 4 files:')
  })

  it('reports an explicit data.path that is wrong instead of looking elsewhere', async () => {
    const root = await tempDir()
    await cp(fashionFixture, join(root, 'fashion-mnist'), { recursive: true })
    const config = data({ dataset: 'fashion-mnist', path: join(root, 'typo') })
    await expect(loadDataset(config, { seed: 41, roots: [root] })).rejects.toThrow(
      `Dataset folder ${join(root, 'typo')} does not exist`,
    )
  })

  it('downloads on request and, offline, says so with the manual steps', async () => {
    const root = await tempDir()
    const offline = async (): Promise<Response> => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' }),
      })
    }
    const error = await loadDataset(data({ dataset: 'cifar100' }), {
      seed: 41,
      roots: [root],
      env: { CHASE_WORKBENCH_DATA: root },
      download: true,
      fetch: offline,
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DownloadError)
    expect((error as Error).message).toMatch(
      /this machine looks offline\.\nTo install CIFAR-100 by hand:\n {2}1\. /,
    )
  })
})
