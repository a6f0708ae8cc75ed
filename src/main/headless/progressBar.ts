import type { FileDownloadProgress } from '../../shared/protocol/datasetTaskMessages'

/** `train-images-idx3-ubyte.gz [##########··········]  52%  13.7/26.4 MB  2.1 MB/s` */
export function formatProgress(progress: FileDownloadProgress, width = 24): string {
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1)
  const speed = `${mb(progress.bytesPerSecond)} MB/s`
  if (progress.totalBytes === null) return `${progress.file} ${mb(progress.receivedBytes)} MB  ${speed}`
  const fraction = Math.min(1, progress.receivedBytes / progress.totalBytes)
  const filled = Math.round(fraction * width)
  const bar = '#'.repeat(filled) + '·'.repeat(width - filled)
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4)
  return `${progress.file} [${bar}] ${percent}  ${mb(progress.receivedBytes)}/${mb(progress.totalBytes)} MB  ${speed}`
}

/**
 * A progress callback that draws one bar per file: redrawn in place on a terminal, a line per tenth
 * (and at the end) otherwise, so logs stay short.
 */
export function progressPrinter(out: {
  write(text: string): unknown
  isTTY?: boolean
}): (p: FileDownloadProgress) => void {
  let lastTenth = -1
  let lastFile = ''
  return (progress) => {
    if (progress.file !== lastFile) {
      lastFile = progress.file
      lastTenth = -1
    }
    if (out.isTTY) {
      out.write(`\r${formatProgress(progress)}${progress.done ? '\n' : ''}`)
      return
    }
    const tenth = progress.totalBytes ? Math.floor((10 * progress.receivedBytes) / progress.totalBytes) : 0
    if (progress.done || tenth > lastTenth) {
      lastTenth = tenth
      out.write(`${formatProgress(progress)}\n`)
    }
  }
}
