import { commandLoaders } from './commands/index'
import { appVersion } from '../host/appVersion'
import { UsageError, type CommandIo } from './command'

const version = appVersion

function help(): string {
  const width = Math.max(...Object.keys(commandLoaders).map((name) => name.length))
  const lines = Object.entries(commandLoaders).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
  return [
    `chase-workbench ${version}: channel-aware dynamic sparse training (Chase) workbench`,
    '',
    'Usage: chase-workbench <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Global options:',
    '  --db <file>   SQLite run store (default: $CHASE_WORKBENCH_DB or the user data directory)',
    '  --json        Machine-readable output',
    '  --help        Help for a command: chase-workbench <command> --help',
    '',
  ].join('\n')
}

export async function main(argv: readonly string[], io: CommandIo = processIo()): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(help())
    return 0
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${version}\n`)
    return 0
  }
  const entry = commandLoaders[name]
  if (!entry) {
    io.stderr.write(`chase-workbench: unknown command "${name}". Run chase-workbench --help for the list.\n`)
    return 2
  }
  const command = await entry.load()
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage.trimEnd()}\n`)
    return 0
  }
  try {
    return await command.run(rest, io)
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`chase-workbench ${name}: ${error.message}\n`)
      return 2
    }
    const message = error instanceof Error ? error.message : String(error)
    io.stderr.write(`chase-workbench ${name}: ${message}\n`)
    if (io.env.CHASE_WORKBENCH_DEBUG) io.stderr.write(`${error instanceof Error ? error.stack : ''}\n`)
    return 1
  }
}

function processIo(): CommandIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }
}
