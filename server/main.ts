/** Entry point: `npm start`. Validates configuration, starts, and drains on SIGTERM / SIGINT. */
import { createLogger } from '../actors/index.ts'
import { SHUTDOWN_CLOSE_MS, startServer } from './app.ts'
import { ConfigError, loadConfig } from './config.ts'

let config
try {
  config = loadConfig()
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`parley: ${error.message}`)
    process.exit(2)
  }
  throw error
}
const log = createLogger({ level: config.logLevel })
const server = await startServer(config, { log }).catch((error: unknown) => {
  // The database cannot be opened, the port is taken, NATS is unreachable: say which, and stop.
  console.error(`parley: cannot start: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})

// An exception no caller could catch (thrown from a timer) ends the process, logged, unless the
// store recognizes it as a known driver fault it has already recovered from (a write to a closed
// Postgres socket: the statement it carried fails by its deadline, the pool is replaced).
function uncaught(kind: string, error: unknown): void {
  if (server.store.absorb(error)) {
    log.warn('database driver fault absorbed; connections replaced', { error })
    return
  }
  log.error(`${kind}; exiting`, { error })
  process.exit(1)
}
process.on('uncaughtException', (error) => uncaught('uncaught exception', error))
// The same for a promise nobody awaited that failed: logged with its stack before the exit (the
// runtime would exit too, printing less), absorbed when it is the known driver fault.
process.on('unhandledRejection', (error) => uncaught('unhandled rejection', error))

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    log.info('signal received', { signal })
    // Whatever hangs, the process ends within the documented drain time.
    setTimeout(
      () => {
        log.error('shutdown took too long; exiting')
        process.exit(1)
      },
      config.shutdownGraceSec * 1000 + SHUTDOWN_CLOSE_MS + 1000,
    ).unref()
    server.shutdown().then(
      () => process.exit(0),
      (error) => {
        log.error('shutdown failed', { error })
        process.exit(1)
      },
    )
  })
}
