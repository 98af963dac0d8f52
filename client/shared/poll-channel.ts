/** Long-poll, the last resort: GET .../poll in a loop, client frames POSTed to the session. */
import { asFrame, type Channel, type ChannelHandlers, type ChannelTarget } from './channel.ts'
import { RtSession } from './rt-session.ts'

export function openPoll(target: ChannelTarget, handlers: ChannelHandlers): Channel {
  let session: RtSession | null = null
  let opened = false
  let done = false
  const abort = new AbortController()
  const fail = () => {
    if (done) return
    done = true
    abort.abort()
    session?.end()
    handlers.close({ opened })
  }
  const loop = async (s: RtSession) => {
    while (!done) {
      const res = await fetch(s.url('poll'), {
        headers: s.authorization(),
        cache: 'no-store',
        signal: abort.signal,
      })
      if (!res.ok) throw new Error(`poll: HTTP ${res.status}`)
      const frames = (await res.json()) as unknown[]
      for (const raw of frames) {
        const frame = done ? null : asFrame(raw)
        if (frame) handlers.frame(frame)
      }
    }
  }
  RtSession.create(target, 'poll', fail).then((created) => {
    if (done) return created.end()
    session = created
    opened = true
    handlers.open()
    loop(created).catch(fail)
  }, fail)
  return {
    kind: 'poll',
    needsAuth: false,
    send: (frame) => session?.send(frame),
    close() {
      done = true
      abort.abort()
      session?.end()
    },
  }
}
