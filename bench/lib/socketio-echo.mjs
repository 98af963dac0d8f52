// The Socket.IO baseline, run by Node: an echo over Socket.IO 4 (engine.io, WebSocket only),
// persisting nothing. Event `m` is answered with the same payload. GET /mem returns RSS and
// heap after a GC (start node with --expose-gc). Port from ECHO_PORT; prints `listening <port>`.
import { createServer } from 'node:http'
import { Server } from 'socket.io'

const http = createServer((req, res) => {
  if (req.url === '/mem') {
    globalThis.gc?.()
    globalThis.gc?.()
    const m = process.memoryUsage()
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed }))
    return
  }
  res.writeHead(req.url === '/readyz' ? 200 : 404)
  res.end()
})
const io = new Server(http, { transports: ['websocket'], serveClient: false })
io.on('connection', (socket) => {
  socket.on('m', (payload) => socket.emit('m', payload))
})
http.listen(Number(process.env.ECHO_PORT ?? '0'), '127.0.0.1', () => {
  console.log(`listening ${http.address().port}`)
})
process.on('SIGTERM', () => {
  io.close()
  process.exit(0)
})
