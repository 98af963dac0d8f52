/** HTTP shortcuts for server tests: start a conversation and send a message over the API. */
import { expect } from 'bun:test'
import { createHmac } from 'node:crypto'
import type { TestServer } from './server.ts'

/** Starts a conversation over HTTP as a (new or given) visitor. */
export async function httpStart(s: TestServer, token?: string, text?: string) {
  const visitor = token ?? (await s.visitorToken()).token
  const res = await s.http('/api/visitor/conversations', {
    token: visitor,
    body: text === undefined ? {} : { text },
  })
  expect(res.status).toBe(201)
  return { id: res.body.conversation.id as string, token: visitor }
}

/** Sends over HTTP; throws unless the message was stored (201). */
export async function httpSend(
  s: TestServer,
  token: string,
  id: string,
  clientMsgId: string,
  text = clientMsgId,
) {
  const res = await s.http(`/api/conversations/${id}/messages`, {
    token,
    body: { clientMsgId, text },
  })
  if (res.status !== 201) throw new Error(`send failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body as { messageId: string; seq: number }
}

/** The body of a response whose status is one of `statuses` (default 200 or 201); else throws. */
export async function okBody(
  res: Promise<{ status: number; body: any }>,
  ...statuses: number[]
): Promise<any> {
  const r = await res
  if (!(statuses.length ? statuses : [200, 201]).includes(r.status))
    throw new Error(`${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}

/** A visitor the site vouches for (identity verification, W2) as `userId`: its session. */
export async function verifiedVisitor(
  s: TestServer,
  inboxId: string,
  userId: string,
): Promise<{ token: string; visitorId: string }> {
  const secret = await s.identitySecret(inboxId)
  const userHash = createHmac('sha256', secret).update(userId).digest('hex')
  return okBody(s.http('/api/visitor/session', { body: { inboxId, userId, userHash } }))
}

/** A visitor starts a conversation from `address` (as the proxy names it). */
export async function startFrom(s: TestServer, address: string, text = 'hello') {
  const { token } = await s.visitorToken()
  const res = await fetch(`${s.url}/api/visitor/conversations`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      'x-real-ip': address,
    },
    body: JSON.stringify({ text }),
  })
  expect(res.status).toBe(201)
  return ((await res.json()) as { conversation: Record<string, any> }).conversation
}
