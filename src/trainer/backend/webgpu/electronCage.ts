/**
 * Why webgpu cannot train in this process, or null. Inside Electron (a utility process of the desktop
 * app) Dawn finds adapters, but moving tensor data fails: its Node bindings wrap mapped
 * GPU memory in an external ArrayBuffer, which Electron's V8 memory cage refuses. The desktop app
 * therefore forks webgpu trainers on the system Node.js (docs/gpu-desktop.md); this keeps `auto` in
 * Electron from picking a backend that would fail at its first upload or read.
 */
export function webgpuRefusedHere(
  versions: Readonly<Record<string, string | undefined>> = process.versions,
): string | null {
  if (!versions.electron) return null
  return (
    `Electron ${versions.electron}'s V8 memory cage refuses the buffers Dawn's Node bindings return when ` +
    'reading GPU results back (the desktop app runs system.backend=webgpu on the system Node.js instead)'
  )
}
