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
  return {
    async server(opts: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
      const s = await startTestServer(opts)
      servers.push(s)
      return s
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
