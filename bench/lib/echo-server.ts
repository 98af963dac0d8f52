/**
 * The ceiling: a bare Bun WebSocket server with no parsing, no store and no framework.
 * - `/ws`: echoes every message back to its sender.
 * - `/ws?role=watch`: joins the topic `room`; `/ws?role=publish`: each message is published to
 *   the topic with Bun's native publish and echoed to its sender (the fan-out baseline).
 * - `/mem`: RSS and JS heap after a full GC (the idle-connection memory baseline).
 * Port from ECHO_PORT (0 picks one); prints `listening <port>` when ready.
 */
import { heapStats } from 'bun:jsc'

interface Data {
  role: 'echo' | 'watch' | 'publish'
}

const server = Bun.serve<Data>({
  port: Number(process.env.ECHO_PORT ?? '0'),
  hostname: '127.0.0.1',
  fetch(req, srv) {
    const url = new URL(req.url)
    if (url.pathname === '/mem') {
      Bun.gc(true)
      Bun.gc(true)
      return Response.json({ rss: process.memoryUsage().rss, heapUsed: heapStats().heapSize })
    }
    if (url.pathname === '/readyz') return new Response('ok')
    const param = url.searchParams.get('role')
    const role = param === 'watch' || param === 'publish' ? param : 'echo'
    if (srv.upgrade(req, { data: { role } })) return
    return new Response('upgrade required', { status: 400 })
  },
  websocket: {
    open(ws) {
      if (ws.data.role === 'watch') ws.subscribe('room')
    },
    message(ws, message) {
      if (ws.data.role === 'publish') server.publish('room', message)
      ws.send(message)
    },
  },
})

console.log(`listening ${server.port}`)
process.on('SIGTERM', () => {
  void server.stop(true)
  process.exit(0)
})
