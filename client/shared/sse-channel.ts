/** SSE + POST: server frames on an EventSource, client frames POSTed to the session. */
import { parseFrame, type Channel, type ChannelHandlers, type ChannelTarget } from './channel.ts'
import { RtSession } from './rt-session.ts'

export function openSse(target: ChannelTarget, handlers: ChannelHandlers): Channel {
  let session: RtSession | null = null
  let source: EventSource | null = null
  let opened = false
  let done = false
  // EventSource would reconnect by itself, but frames in flight when a stream breaks can be
  // lost; starting over with a new session and resubscribing by seq is simpler and exact.
  const fail = () => {
    if (done) return
    done = true
    source?.close()
    session?.end()
    handlers.close({ opened })
  }
  RtSession.create(target, 'sse', fail).then((created) => {
    if (done) return created.end()
    session = created
    source = new EventSource(created.url('events'))
    source.onopen = () => {
      if (done || opened) return
      opened = true
      handlers.open()
    }
    source.onmessage = (e: MessageEvent) => {
      const frame = done ? null : parseFrame(e.data)
      if (frame) handlers.frame(frame)
    }
    source.onerror = fail
  }, fail)
  return {
    kind: 'sse',
    needsAuth: false,
    send: (frame) => session?.send(frame),
    close() {
      done = true
      source?.close()
      session?.end()
    },
  }
}
