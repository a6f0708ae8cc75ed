import { presetConfig, presets } from '../../../shared/config/presets'
import { takeStoreOptions } from '../args'
import { UsageError, type Command } from '../command'

const command: Command = {
  name: 'presets',
  summary: 'List the built-in presets',
  usage: `Usage: chase-workbench presets [--json]

Lists the built-in run presets; train one with chase-workbench train --preset <name>.
--json prints each preset with its full, defaulted config.
`,
  async run(args, io) {
    const { json, rest } = takeStoreOptions(args)
    if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0]}`)
    if (json) {
      const list = presets.map((p) => ({
        name: p.name,
        title: p.title,
        description: p.description,
        config: presetConfig(p.name),
      }))
      io.stdout.write(`${JSON.stringify(list)}\n`)
      return 0
    }
    const width = Math.max(...presets.map((p) => p.name.length))
    for (const p of presets)
      io.stdout.write(`${p.name.padEnd(width)}  ${p.title}\n${' '.repeat(width + 2)}${p.description}\n\n`)
    return 0
  },
}
export default command
