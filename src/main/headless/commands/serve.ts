import { fileURLToPath } from 'node:url'
import { UsageError, type Command } from '../command'
import { parseCommandArgs, storeOptions } from '../args'
import { cliLogger, openCliHost, type CliHostDeps } from '../cliHost'
import { defaultPort, startServer } from '../server'

/** The built renderer (`npm run build` writes it). */
export const rendererDir = fileURLToPath(new URL('../../../../out/renderer', import.meta.url))

const usage = `Usage: chase-workbench serve [--host <address>] [--port <n>] [--concurrency <n>] [--db <file>]

Serves the workbench UI to a browser and runs trainings on this machine (for remote GPU boxes: bind
--host 0.0.0.0 and open the printed URL; any address but 127.0.0.1 requires the token in that URL).

Options:
  --host <address>    Interface to listen on (default 127.0.0.1)
  --port <n>          Port (default ${defaultPort}; 0 picks a free one)
  --concurrency <n>   Runs training at once (default 1)
  --db <file>         Run store (default: $CHASE_WORKBENCH_DB or the user data directory)
`

export function serveCommand(deps: CliHostDeps & { until?: Promise<void> } = {}): Command {
  return {
    name: 'serve',
    summary: 'Serve the workbench UI to a browser (remote GPU boxes)',
    usage,
    async run(args, io) {
      const { values } = parseCommandArgs(
        args,
        {
          ...storeOptions,
          host: { type: 'string' },
          port: { type: 'string' },
          concurrency: { type: 'string' },
        },
        false,
      )
      const port = values.port === undefined ? defaultPort : Number(values.port)
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError('--port must be a number from 0 to 65535')
      const concurrency = values.concurrency === undefined ? 1 : Number(values.concurrency)
      if (!Number.isInteger(concurrency) || concurrency < 1)
        throw new UsageError('--concurrency must be a whole number of at least 1')
      const logger = cliLogger(io)
      const host = openCliHost(io, values.db, deps, logger)
      host.supervisor.setConcurrency(concurrency)
      let server
      try {
        server = await startServer({
          host,
          rendererDir,
          logger,
          port,
          ...(values.host ? { bindHost: values.host } : {}),
        })
      } catch (error) {
        await host.close()
        const code = (error as NodeJS.ErrnoException).code
        if (code === 'EADDRINUSE') throw new Error(`port ${port} is in use: pick another with --port`)
        throw error
      }
      io.stdout.write(`Chase Workbench is serving at ${server.url}\n`)
      if (server.token) io.stdout.write('Keep this URL private: its token is the only key to the server.\n')
      io.stdout.write(
        `Run store ${host.store.paths.dbPath}. Ctrl-C stops the server (running trainings checkpoint first).\n`,
      )
      await (deps.until ??
        new Promise<void>((done) => {
          process.once('SIGINT', done)
          process.once('SIGTERM', done)
        }))
      io.stderr.write('Stopping: running trainings write a checkpoint first…\n')
      await server.close()
      await host.close()
      return 0
    },
  }
}

export default serveCommand()
