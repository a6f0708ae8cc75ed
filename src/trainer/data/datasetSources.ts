import type { DatasetName } from '../../shared/data/datasets'

/**
 * Where each dataset is published, with the publishers' MD5 checksums and sizes. The MNIST files are
 * fetched from PyTorch's mirror first because yann.lecun.com often refuses scripted downloads.
 */
export interface SourceFile {
  readonly name: string
  /** Mirrors, tried in order. */
  readonly urls: readonly string[]
  readonly md5: string
  readonly bytes: number
}

export interface DatasetSource {
  readonly name: Exclude<DatasetName, 'synthetic'>
  readonly title: string
  readonly homepage: string
  readonly files: readonly SourceFile[]
  /** `tar.gz`: the file is an archive whose `folder` is extracted; `files`: the files go into `folder` as they are. */
  readonly layout: 'tar.gz' | 'files'
  /** The dataset's folder under the data root once installed. */
  readonly folder: string
  /** A system package that installs the dataset, where one exists. */
  readonly systemPackage?: { readonly command: string; readonly folder: string }
}

const TORONTO = 'https://www.cs.toronto.edu/~kriz/'
const MNIST_MIRRORS = ['https://ossci-datasets.s3.amazonaws.com/mnist/', 'http://yann.lecun.com/exdb/mnist/']
const FASHION_MIRRORS = [
  'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
  'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
]

function idxFiles(mirrors: readonly string[], files: readonly [string, string, number][]): SourceFile[] {
  return files.map(([name, md5, bytes]) => ({ name, md5, bytes, urls: mirrors.map((m) => m + name) }))
}

export const datasetSources: Readonly<Record<DatasetSource['name'], DatasetSource>> = {
  cifar10: {
    name: 'cifar10',
    title: 'CIFAR-10',
    homepage: 'https://www.cs.toronto.edu/~kriz/cifar.html',
    layout: 'tar.gz',
    folder: 'cifar-10-batches-bin',
    files: [
      {
        name: 'cifar-10-binary.tar.gz',
        urls: [`${TORONTO}cifar-10-binary.tar.gz`],
        md5: 'c32a1d4ab5d03f1284b67883e8d87530',
        bytes: 170_052_171,
      },
    ],
  },
  cifar100: {
    name: 'cifar100',
    title: 'CIFAR-100',
    homepage: 'https://www.cs.toronto.edu/~kriz/cifar.html',
    layout: 'tar.gz',
    folder: 'cifar-100-binary',
    files: [
      {
        name: 'cifar-100-binary.tar.gz',
        urls: [`${TORONTO}cifar-100-binary.tar.gz`],
        md5: '03b5dce01913d631647c71ecec9e9cb8',
        bytes: 168_513_733,
      },
    ],
  },
  mnist: {
    name: 'mnist',
    title: 'MNIST',
    homepage: 'http://yann.lecun.com/exdb/mnist/',
    layout: 'files',
    folder: 'mnist',
    files: idxFiles(MNIST_MIRRORS, [
      ['train-images-idx3-ubyte.gz', 'f68b3c2dcbeaaa9fbdd348bbdeb94873', 9_912_422],
      ['train-labels-idx1-ubyte.gz', 'd53e105ee54ea40749a09fcbcd1e9432', 28_881],
      ['t10k-images-idx3-ubyte.gz', '9fb629c4189551a2d022fa330f9573f3', 1_648_877],
      ['t10k-labels-idx1-ubyte.gz', 'ec29112dd5afa0611ce80d1b7f02629c', 4_542],
    ]),
  },
  'fashion-mnist': {
    name: 'fashion-mnist',
    title: 'Fashion-MNIST',
    homepage: 'https://github.com/zalandoresearch/fashion-mnist',
    layout: 'files',
    folder: 'fashion-mnist',
    systemPackage: {
      command: 'sudo apt-get install dataset-fashion-mnist',
      folder: '/usr/share/datasets/fashion-mnist',
    },
    files: idxFiles(FASHION_MIRRORS, [
      ['train-images-idx3-ubyte.gz', '8d4fb7e6c68d591d4c3dfef9ec88bf0d', 26_421_880],
      ['train-labels-idx1-ubyte.gz', '25c81989df183df01b3e8a0aad5dffbe', 29_515],
      ['t10k-images-idx3-ubyte.gz', 'bef4ecab320f06d8554ea6380940ec79', 4_422_102],
      ['t10k-labels-idx1-ubyte.gz', 'bb300cfdad3c16e7a12a480ee83cd310', 5_148],
    ]),
  },
}

/** The steps to install a dataset by hand into `root`, one per line, for when downloading is impossible. */
export function manualSteps(source: DatasetSource, root: string): string[] {
  const target = `${root}/${source.folder}`
  const steps: string[] = []
  if (source.systemPackage) {
    steps.push(
      `On Debian or Ubuntu: ${source.systemPackage.command} (installs ${source.systemPackage.folder}).`,
    )
  }
  const list = source.files.map((f) => `   ${f.urls[0]}  (${formatDownloadSize(f.bytes)}, md5 ${f.md5})`)
  if (source.layout === 'tar.gz') {
    const archive = source.files[0]!.name
    steps.push(
      `On a machine with internet access, download:`,
      ...list,
      `Check it: md5sum ${archive}`,
      `Extract it into ${root}: mkdir -p ${root} && tar -xzf ${archive} -C ${root}`,
      `That gives ${target}; or extract it anywhere and set data.path to the "${source.folder}" folder.`,
    )
  } else {
    steps.push(
      `On a machine with internet access, download these ${source.files.length} files:`,
      ...list,
      `Check them: md5sum *.gz`,
      `Copy them, still gzipped, into ${target} (mkdir -p ${target}), or into any folder and set data.path to it.`,
    )
  }
  return steps
}

/** Steps as a numbered list; indented lines (the URLs) belong to the step above. */
export function formatSteps(steps: readonly string[]): string {
  let n = 0
  return steps.map((line) => (/^\s/.test(line) ? `  ${line}` : `  ${++n}. ${line}`)).join('\n')
}

/** A download's size as publishers state it, in decimal units: "26.4 MB", "29 kB". */
export function formatDownloadSize(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1e3))} kB`
}

/** Total size of a dataset's download. */
export function downloadBytes(source: DatasetSource): number {
  return source.files.reduce((n, f) => n + f.bytes, 0)
}
