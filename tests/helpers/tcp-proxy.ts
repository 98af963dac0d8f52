/**
 * A TCP proxy on loopback between one process and a service, for network faults the service
 * itself cannot show: `freeze()` stops carrying bytes both ways while every connection stays
 * open (a partition, a stuck switch), `thaw()` carries on with whatever waited. Connections made
 * while frozen are accepted and wait too. `cut()` ends the connections (a dropped link). Used like:
 *
 *   const proxy = await startTcpProxy({ port: 5432 })
 *   node.restart({ env: { DATABASE_URL: viaProxy(url, proxy.port) } })
 *   proxy.freeze(); ...; proxy.thaw(); await proxy.close()
 */
import { connect, createServer, type Socket } from 'node:net'

export interface TcpProxy {
  port: number
  readonly frozen: boolean
  freeze(): void
  thaw(): void
  /** Ends every connection made so far (a dropped link); new ones are still accepted. */
  cut(): void
  /** Ends every connection and stops listening. */
  close(): Promise<void>
}

export async function startTcpProxy(target: { host?: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>()
  let frozen = false
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host ?? '127.0.0.1')
    const pair: [Socket, Socket] = [client, upstream]
    pairs.add(pair)
    client.pipe(upstream)
    upstream.pipe(client)
    if (frozen) for (const s of pair) s.pause()
    const end = () => {
      pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('proxy has no port')
  const cut = () => {
    for (const [a, b] of pairs) {
      a.destroy()
      b.destroy()
    }
    pairs.clear()
  }
  return {
    port: address.port,
    get frozen() {
      return frozen
    },
    freeze() {
      frozen = true
      // Nothing is read from either side: bytes wait in the kernel's buffers, as on a link
      // that stopped carrying them.
      for (const pair of pairs) for (const s of pair) s.pause()
    },
    thaw() {
      frozen = false
      for (const pair of pairs) for (const s of pair) s.resume()
    },
    cut,
    async close() {
      cut()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** The same database URL through the proxy's port. */
export function viaProxy(databaseUrl: string, port: number): string {
  const url = new URL(databaseUrl)
  url.hostname = '127.0.0.1'
  url.port = String(port)
  return url.toString()
}
