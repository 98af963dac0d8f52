/** Entry point: `npm start`. Validates configuration, starts, and drains on SIGTERM / SIGINT. */
import { createLogger } from '../actors/index.ts'
import { startServer } from './app.ts'
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
const server = await startServer(config, { log })

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    log.info('signal received', { signal })
    server.shutdown().then(
      () => process.exit(0),
      (error) => {
        log.error('shutdown failed', { error })
        process.exit(1)
      },
    )
  })
}
