import type { Command } from '../command'

/** Every subcommand, loaded on first use so `--help` stays instant and tfjs loads only where needed. */
export const commandLoaders: Readonly<Record<string, { summary: string; load: () => Promise<Command> }>> = {
  train: {
    summary: 'Train a run from a preset or a config file',
    load: async () => (await import('./train')).default,
  },
  resume: {
    summary: 'Resume an interrupted, stopped or failed run from its last checkpoint',
    load: async () => (await import('./resume')).default,
  },
  runs: { summary: 'List, show, export or delete runs', load: async () => (await import('./runs')).default },
  compare: {
    summary: 'Compare runs: config diff and summary table',
    load: async () => (await import('./compare')).default,
  },
  bench: {
    summary: 'Time the dense and the channel-slimmed network side by side',
    load: async () => (await import('./bench')).default,
  },
  serve: {
    summary: 'Serve the workbench UI to a browser (remote GPU boxes)',
    load: async () => (await import('./serve')).default,
  },
  plan: {
    summary: 'Show a run plan without training: ERK densities, floors, channel events, FLOPs',
    load: async () => (await import('./plan')).default,
  },
  model: {
    summary: 'Describe a model: layers, MACs, maskable weights, channel groups',
    load: async () => (await import('./model')).default,
  },
  doctor: {
    summary: 'Report the compute backends, datasets and machine',
    load: async () => (await import('./doctor')).default,
  },
  data: {
    summary: 'List, download or choose datasets',
    load: async () => (await import('./data')).default,
  },
  presets: { summary: 'List the built-in presets', load: async () => (await import('./presets')).default },
  sweep: {
    summary: 'Run a grid of runs (seeds × settings) locally or on a Slurm cluster',
    load: async () => (await import('./sweep')).default,
  },
  'remote-task': {
    summary: 'Run one Slurm task of a sweep on this node (used by the Slurm executor)',
    load: async () => (await import('./remoteTask')).default,
  },
}
