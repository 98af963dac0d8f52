/**
 * Per-test lifecycle for server tests: every server and client made through `useServers()`
 * is closed after each test, clients first, so no test leaks a port or a socket.
 */
import { afterEach } from 'bun:test'
import { startTestServer, type TestServer } from './server.ts'
import { TestClient } from './ws.ts'

type Closeable = { close(): void } | { end(): void }

export function useServers() {
  const servers: TestServer[] = []
  const closeables: Closeable[] = []
  afterEach(async () => {
    for (const c of closeables.splice(0)) 'close' in c ? c.close() : c.end()
    for (const s of servers.splice(0)) await s.stop()
  })
  async function server(opts: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
    const s = await startTestServer(opts)
    servers.push(s)
    return s
  }
  return {
    server,
    /**
     * Stops s keeping its data folder, runs whileDown (e.g. moves a FakeClock), then starts a
     * server on that folder (pass the same clock to keep time). Only the new one is tracked.
     */
    async restart(
      s: TestServer,
      opts: Omit<NonNullable<Parameters<typeof startTestServer>[0]>, 'dataDir'> = {},
      whileDown: () => Promise<unknown> = async () => {},
    ): Promise<TestServer> {
      await s.stop({ keepData: true })
      servers.splice(servers.indexOf(s), 1)
      await whileDown()
      return server({ ...opts, dataDir: s.dataDir })
    },
    /** A WebSocket client, authenticated when a token is given. */
    async client(
      s: TestServer,
      token?: string,
      opts: { format?: 'json' | 'msgpack' } = {},
    ): Promise<TestClient> {
      const c = await TestClient.connect(s.wsUrl, { token, format: opts.format })
      closeables.push(c)
      return c
    },
    /** Closes c after the test. */
    track<T extends Closeable>(c: T): T {
      closeables.push(c)
      return c
    },
  }
}
