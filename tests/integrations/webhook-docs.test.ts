/**
 * The receiver example of docs/webhooks.md, run as written against real deliveries (issue 17):
 * it accepts what Parley signs, with the current secret and, after a rotation, the previous one;
 * it refuses another secret, a changed body and a stale timestamp.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { httpStart, okBody } from '../helpers/http.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.ts'

type Verify = (header: string, rawBody: string, secret: string, toleranceSec?: number) => boolean

const dir = mkdtempSync(join(tmpdir(), 'parley-webhook-docs-'))
let s: TestServer
let receiver: Receiver
let verify: Verify

beforeAll(async () => {
  const doc = readFileSync(new URL('../../docs/webhooks.md', import.meta.url), 'utf8')
  const block = /<!-- verify-example -->\s*```js\n([\s\S]*?)```/.exec(doc)?.[1]
  if (!block) throw new Error('docs/webhooks.md has no verify example')
  // Short enough to read in the docs: the brief asks for about ten lines.
  expect(block.trim().split('\n').length).toBeLessThanOrEqual(14)
  const file = join(dir, 'verify.mjs')
  writeFileSync(file, block)
  verify = ((await import(file)) as { verify: Verify }).verify
  receiver = startReceiver()
  s = await startTestServer({ env: { WEBHOOK_ALLOW_HOSTS: '127.0.0.1' } })
})

afterAll(async () => {
  await s?.stop()
  receiver?.stop()
  rmSync(dir, { recursive: true, force: true })
})

test('the documented receiver verifies real deliveries, before and after a rotation', async () => {
  const admin = await s.adminToken()
  const inboxId = await s.defaultInboxId()
  const made = await okBody(
    s.http('/api/webhooks', {
      token: admin,
      body: { inboxId, url: receiver.url, events: ['message.created'] },
    }),
  )
  const { id } = await httpStart(s, undefined, 'is this signed?')
  await s.webhooks.drain()
  const first = receiver.received.find((r) => r.event.conversationId === id)
  if (!first) throw new Error('nothing delivered')
  const header = first.headers['parley-signature'] ?? ''
  expect(verify(header, first.raw, made.secret)).toBe(true)
  expect(verify(header, first.raw, `${made.secret}x`)).toBe(false)
  expect(verify(header, first.raw.replace('signed', 'forged'), made.secret)).toBe(false)
  expect(verify(header.replace(/t=\d+/, 't=1000000000'), first.raw, made.secret)).toBe(false)
  expect(verify('t=1,v1=zz', first.raw, made.secret)).toBe(false)

  const rotated = await okBody(
    s.http(`/api/webhooks/${made.endpoint.id}/rotate-secret`, {
      token: admin,
      body: { overlapHours: 1 },
    }),
  )
  const next = await httpStart(s, undefined, 'after the rotation')
  await s.webhooks.drain()
  const second = receiver.received.find((r) => r.event.conversationId === next.id)
  if (!second) throw new Error('nothing delivered after the rotation')
  const both = second.headers['parley-signature'] ?? ''
  expect(verify(both, second.raw, rotated.secret)).toBe(true)
  expect(verify(both, second.raw, made.secret)).toBe(true)
})
