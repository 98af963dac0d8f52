/** The real channels for a browser, and the HTTP probe that tells "blocked" from "down". */
import type { ChannelFactory } from './channel.ts'
import { openPoll } from './poll-channel.ts'
import { openSse } from './sse-channel.ts'
import { openWebSocket } from './ws-channel.ts'

export const browserChannels: ChannelFactory = (kind, target, handlers) => {
  if (kind === 'ws') return openWebSocket(target, handlers)
  if (kind === 'sse') return openSse(target, handlers)
  return openPoll(target, handlers)
}

/** True when the server answers `/readyz` (a draining server does not: it is going away). */
export function readinessProbe(baseUrl: string): () => Promise<boolean> {
  return () =>
    fetch(`${baseUrl}/readyz`, { cache: 'no-store' }).then(
      (res) => res.ok,
      () => false,
    )
}
