/**
 * SSE + POST: server frames read from the session's event stream, client frames POSTed to the
 * session. The stream is read with fetch and a body reader, not EventSource: reading it takes
 * the session's token in a header, which an EventSource cannot send.
 */
import { parseFrame, type Channel, type ChannelHandlers, type ChannelTarget } from './channel.ts'
import { RtSession } from './rt-session.ts'

export function openSse(target: ChannelTarget, handlers: ChannelHandlers): Channel {
  let session: RtSession | null = null
  let opened = false
  let done = false
  const abort = new AbortController()
  // A broken stream is not resumed: frames in flight when it broke can be lost, so starting
  // over with a new session and resubscribing by seq is simpler and exact.
  const fail = () => {
    if (done) return
    done = true
    abort.abort()
    session?.end()
    handlers.close({ opened })
  }
  const read = async (s: RtSession) => {
    const res = await fetch(s.url('events'), {
      headers: s.authorization(),
      cache: 'no-store',
      signal: abort.signal,
    })
    if (!res.ok || !res.body) throw new Error(`events: HTTP ${res.status}`)
    if (done) return
    opened = true
    handlers.open()
    const events = sseParser((data) => {
      const frame = done ? null : parseFrame(data)
      if (frame) handlers.frame(frame)
    })
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
    for (;;) {
      const chunk = await reader.read()
      if (chunk.done) break
      events(chunk.value)
    }
    // The server ended the stream: the session is closed.
    throw new Error('event stream ended')
  }
  RtSession.create(target, 'sse', fail).then((created) => {
    if (done) return created.end()
    session = created
    read(created).catch(fail)
  }, fail)
  return {
    kind: 'sse',
    needsAuth: false,
    send: (frame) => session?.send(frame),
    close() {
      done = true
      abort.abort()
      session?.end()
    },
  }
}

/**
 * An event-stream parser (the `data` field only, which is all the server sends): feed it text
 * as it arrives; it calls onData with each event's data once its blank line has come.
 */
export function sseParser(onData: (data: string) => void): (text: string) => void {
  let pending = ''
  let data: string[] = []
  return (text) => {
    pending += text
    // A line ends at LF, CR or CRLF; a CR at the very end may be half of a CRLF still to come.
    const lines = pending.split(/\r\n|\r(?!$)|\n/)
    pending = lines.pop() ?? ''
    for (const line of lines) {
      if (line === '') {
        if (data.length > 0) onData(data.join('\n'))
        data = []
      } else if (line.startsWith('data:')) {
        data.push(line.slice(line.startsWith('data: ') ? 6 : 5))
      }
    }
  }
}
