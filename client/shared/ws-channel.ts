/** The WebSocket channel, subprotocol parley.json.v1. */
import { parseFrame, type Channel, type ChannelHandlers, type ChannelTarget } from './channel.ts'

export function openWebSocket(target: ChannelTarget, handlers: ChannelHandlers): Channel {
  const ws = new WebSocket(`${target.baseUrl.replace(/^http/, 'ws')}/ws`, 'parley.json.v1')
  let opened = false
  let done = false
  const finish = () => {
    if (done) return
    done = true
    handlers.close({ opened })
  }
  ws.onopen = () => {
    if (done) return
    opened = true
    handlers.open()
  }
  ws.onmessage = (e: MessageEvent) => {
    const frame = done ? null : parseFrame(e.data)
    if (frame) handlers.frame(frame)
  }
  ws.onclose = finish
  ws.onerror = finish
  return {
    kind: 'ws',
    needsAuth: true,
    send(frame) {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame))
    },
    close() {
      done = true
      ws.close()
    },
  }
}
