/**
 * A data-subject export (issue 18, S8; server/data-requests.ts) through the real server, on
 * SQLite or Postgres: a visitor seeded across the features (verified identity, profile and
 * attributes, two conversations, messages both ways, a file, a note about them, a page, a
 * rating, a proactive message shown) is found by e-mail in any case, by the site's user id and by id; the archive holds
 * all of it and the file's exact bytes, and nothing of another visitor; the export is on the
 * audit trail. Bad lookups are typed errors; operators are refused.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { unzipSync, strFromU8 } from 'fflate'
import { okBody, verifiedVisitor } from '../helpers/http.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'

let s: TestServer
let admin: string
let inboxId: string
let visitor: { token: string; visitorId: string }
let other: { token: string; visitorId: string }
const FILE = new TextEncoder().encode(
  'Parcel label: order 42, Ada Lovelace, 12 Baker St.\n'.repeat(60),
)

const ok = okBody

beforeAll(async () => {
  s = await startTestServer()
  admin = await s.adminToken()
  inboxId = await s.defaultInboxId()
  await ok(
    s.http(`/api/admin/inboxes/${inboxId}`, {
      method: 'PATCH',
      token: admin,
      body: { settings: { rating: 'stars' } },
    }),
  )
  visitor = await verifiedVisitor(s, inboxId, 'shop-user-42')
  other = await s.visitorToken(inboxId)
  await ok(
    s.http('/api/visitor/profile', {
      method: 'PATCH',
      token: visitor.token,
      body: {
        name: 'Ada Lovelace',
        email: 'Ada@Example.com',
        phone: '+44 20 7946 0000',
        attributes: { plan: 'pro', orders: 3 },
      },
    }),
  )
  // A proactive message shown to them (and to the other visitor) before they wrote.
  const campaign = await ok(
    s.http(`/api/admin/inboxes/${inboxId}/campaigns`, {
      token: admin,
      body: { name: 'Free shipping', text: 'Shipping is free this week!' },
    }),
  )
  for (const token of [visitor.token, other.token]) {
    await ok(s.http(`/api/visitor/campaigns/${campaign.campaign.id}/shown`, { token, body: {} }))
  }
  const op = await s.operator({ inboxIds: [inboxId] })
  // The first conversation: a message with a file, a reply, a note, a page, resolved, rated.
  const first = await ok(
    s.http('/api/visitor/conversations', {
      token: visitor.token,
      body: { text: 'My parcel is lost', clientMsgId: 'c1' },
    }),
  )
  const conversationId = first.conversation.id as string
  const form = new FormData()
  form.append('file', new File([FILE], 'label.txt', { type: 'text/plain' }))
  const up = await fetch(`${s.url}/api/conversations/${conversationId}/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${visitor.token}` },
    body: form,
  })
  expect(up.status).toBe(201)
  const attachment = ((await up.json()) as { attachment: { id: string } }).attachment
  await ok(
    s.http(`/api/conversations/${conversationId}/messages`, {
      token: visitor.token,
      body: { text: 'Here is the label', clientMsgId: 'c2', attachmentIds: [attachment.id] },
    }),
  )
  await ok(
    s.http(`/api/conversations/${conversationId}/page`, {
      token: visitor.token,
      body: { url: 'https://shop.example.com/orders/42', title: 'Order 42' },
    }),
  )
  await ok(
    s.http(`/api/conversations/${conversationId}/messages`, {
      token: op.token,
      body: { text: 'We are on it, Ada', clientMsgId: 'o1' },
    }),
  )
  await ok(
    s.http(`/api/conversations/${conversationId}/notes`, {
      token: op.token,
      body: { text: 'Ada is a long-time customer', clientMsgId: 'n1' },
    }),
  )
  await ok(
    s.http(`/api/conversations/${conversationId}/status`, {
      token: op.token,
      body: { status: 'resolved' },
    }),
  )
  await ok(
    s.http(`/api/conversations/${conversationId}/rating`, {
      token: visitor.token,
      body: { score: 5, comment: 'Thank you!' },
    }),
  )
  // A second conversation, and another visitor's, which must stay out.
  await ok(
    s.http('/api/visitor/conversations', {
      token: visitor.token,
      body: { text: 'Another question', clientMsgId: 'c3' },
    }),
  )
  await ok(
    s.http('/api/visitor/conversations', {
      token: other.token,
      body: { text: 'Someone else entirely', clientMsgId: 'x1' },
    }),
  )
})

afterAll(() => s.stop())

describe('data export', () => {
  test('export - found by e-mail in any case, by site user id and by id; only admins', async () => {
    for (const query of [
      'email=ADA@example.COM',
      'externalId=shop-user-42',
      `id=${visitor.visitorId}`,
    ]) {
      const found = await ok(s.http(`/api/admin/visitors?${query}`, { token: admin }))
      expect({ query, ids: found.visitors.map((v: { id: string }) => v.id) }).toEqual({
        query,
        ids: [visitor.visitorId],
      })
    }
    expect(
      found0(await ok(s.http('/api/admin/visitors?email=nobody@example.com', { token: admin }))),
    ).toEqual([])
    for (const bad of ['', 'email=x&externalId=y', 'email=not-an-email', 'id=%00', 'other=1']) {
      const res = await s.http(`/api/admin/visitors?${bad}`, { token: admin })
      expect({ bad, status: res.status }).toEqual({ bad, status: 422 })
    }
    const op = await s.operator({ role: 'operator', inboxIds: [inboxId] })
    expect(
      (await s.http(`/api/admin/visitors?id=${visitor.visitorId}`, { token: op.token })).status,
    ).toBe(403)
    expect(
      (await s.http(`/api/admin/visitors/${visitor.visitorId}/export`, { token: op.token })).status,
    ).toBe(403)
    const missing = await s.http('/api/admin/visitors/no-such-visitor/export', { token: admin })
    expect([missing.status, missing.body.error.code]).toEqual([404, 'not_found'])
  })

  test('export - the archive holds the profile, both conversations with their whole log, the note, the rating and the file; nothing of another visitor; the export is audited', async () => {
    const res = await fetch(`${s.url}/api/admin/visitors/${visitor.visitorId}/export`, {
      headers: { authorization: `Bearer ${admin}` },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/zip')
    expect(res.headers.get('content-disposition')).toContain('attachment')
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()))
    const json = JSON.parse(strFromU8(files['visitor.json']!))
    expect(json.format).toBe('parley.visitor-export.v1')
    expect(json.visitor).toMatchObject({
      id: visitor.visitorId,
      externalId: 'shop-user-42',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: '+44 20 7946 0000',
      attributes: { plan: 'pro', orders: 3 },
    })
    expect(json.conversations).toHaveLength(2)
    const text = JSON.stringify(json)
    for (const expected of [
      'My parcel is lost',
      'Here is the label',
      'We are on it, Ada',
      'Ada is a long-time customer',
      'https://shop.example.com/orders/42',
      'Thank you!',
      'Another question',
    ])
      expect({ expected, found: text.includes(expected) }).toEqual({ expected, found: true })
    expect(text).not.toContain('Someone else entirely')
    expect(text).not.toContain(other.visitorId)
    const names = json.conversations.flatMap((c: { events: Array<{ name: string }> }) =>
      c.events.map((e) => e.name),
    )
    expect(names).toContain('conversation.rated')
    expect(names).toContain('note.created')
    expect(json.campaigns).toEqual([
      {
        campaignId: expect.any(String),
        name: 'Free shipping',
        text: 'Shipping is free this week!',
        shownAt: expect.any(Number),
      },
    ])
    expect(json.attachments).toHaveLength(1)
    const [file] = json.attachments
    expect(file.name).toBe('label.txt')
    expect(files[file.file]).toEqual(FILE)
    expect(Object.keys(files).sort()).toEqual(['visitor.json', file.file].sort())

    const audit = await ok(s.http('/api/admin/audit?action=visitor.exported', { token: admin }))
    expect(audit.entries).toHaveLength(1)
    expect(audit.entries[0]).toMatchObject({
      targetKind: 'visitor',
      targetId: visitor.visitorId,
      details: { conversations: 2, files: 1 },
    })
  })
})

function found0(body: { visitors: unknown[] }) {
  return body.visitors
}
