/**
 * A data-subject erasure (issue 18, S8; server/erasure.ts) through the real server, on SQLite
 * or Postgres. A visitor is seeded across the features (verified identity, profile and
 * attributes, the browser they came with, two conversations, messages both ways, an edit, a
 * sent file and an upload never sent, a page, a note about them, a rating with a comment) while
 * their socket is live and an operator watches. After `POST /api/admin/visitors/:id/erase`
 * nothing of theirs is found: not in any table of the database (the full-text indexes' own
 * tables too), not in the file storage, not by search, history, a replay from seq 0, the
 * visitor details, the inbox list or a new export; their tokens and socket are dead, the
 * conversations take nothing more, the operator's thread heard of it, and it is on the audit
 * trail. Another visitor keeps everything. The shape stays: seqs, statuses and the score.
 * A second test races the erasure with the visitor sending as fast as they can.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { unzipSync, strFromU8 } from 'fflate'
import { okBody, verifiedVisitor } from '../helpers/http.ts'
import { rawTableDump, startTestServer, type TestServer } from '../helpers/server.ts'
import { TestClient } from '../helpers/ws.ts'

let s: TestServer
let admin: string
let inboxId: string
let visitor: { token: string; visitorId: string }
let other: { token: string; visitorId: string }
let op: { token: string; id: string }
let first: string
let second: string
const sockets: TestClient[] = []

/**
 * What only this visitor's data holds: each value, and the invented word in it. A scan looks
 * for the value's ending (as stored in rows) and the word's ending (as a full-text index
 * stores it: one term at a time, folded to lower case, possibly after the prefix it shares
 * with the term before it, which is why only the ending is certain to be there whole).
 */
const MARKS = {
  name: ['Quillon Zarathustra', 'zarathustra'],
  email: ['quillon.z@erasure-vqk.example', 'quillon'],
  phone: ['+44 20 7946 0999', null],
  plan: ['platinumvqk', 'platinumvqk'],
  externalId: ['shop-user-9917', null],
  userAgent: ['TestBrowser/9.9 dravenquist', 'dravenquist'],
  message: ['my parcel is xenolithic lost', 'xenolithic'],
  withFile: ['label zyphrodite attached', 'zyphrodite'],
  fileName: ['boarding-hobgrellin.txt', 'hobgrellin'],
  fileBytes: ['kestrelbyte secret passport scan', 'kestrelbyte'],
  upload: ['unsent-morvalith.txt', 'morvalith'],
  edited: ['final trellowax address', 'trellowax'],
  editedAway: ['draft plimsorf address', 'plimsorf'],
  page: ['https://shop.example.com/orders/harpuncle', 'harpuncle'],
  pageTitle: ['Order harpunclex', 'harpunclex'],
  reply: ['We found it, vordrake', 'vordrake'],
  note: ['a jubelwick customer', 'jubelwick'],
  orderRef: ['ORD-quasmirelle', 'quasmirelle'],
  comment: ['Thanks fennimorex!', 'fennimorex'],
  second: ['another gorvantic question', 'gorvantic'],
} as const satisfies Record<string, readonly [string, string | null]>
const mark = (key: keyof typeof MARKS) => MARKS[key][0]
const needles = Object.entries(MARKS).flatMap(([key, [value, word]]) => [
  { key, needle: value.toLowerCase().slice(-9) },
  ...(word ? [{ key, needle: word.slice(-7) }] : []),
])

const ok = okBody

async function connect(token: string) {
  const c = await TestClient.connect(s.wsUrl, { token })
  sockets.push(c)
  return c
}

async function upload(conversationId: string, token: string, name: string, bytes: string) {
  const form = new FormData()
  form.append('file', new File([bytes], name, { type: 'text/plain' }))
  const res = await fetch(`${s.url}/api/conversations/${conversationId}/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  })
  expect(res.status).toBe(201)
  return ((await res.json()) as { attachment: { id: string } }).attachment.id
}

/** Which needles a text holds, by key. */
function found(text: string): string[] {
  const lower = text.toLowerCase()
  return [...new Set(needles.filter((n) => lower.includes(n.needle)).map((n) => n.key))]
}

/** Every file under the storage folder, as text. */
function storedFiles(dir: string): string {
  let out = ''
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    out += statSync(path).isDirectory() ? storedFiles(path) : readFileSync(path, 'latin1')
  }
  return out
}

let fileId: string
let uploadId: string
let watcher: TestClient
let live: TestClient

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
  visitor = await verifiedVisitor(s, inboxId, mark('externalId'))
  other = await s.visitorToken(inboxId)
  await ok(
    s.http('/api/visitor/profile', {
      method: 'PATCH',
      token: visitor.token,
      body: {
        name: mark('name'),
        email: mark('email'),
        phone: mark('phone'),
        attributes: { plan: mark('plan') },
      },
    }),
  )
  op = await s.operator({ inboxIds: [inboxId] })
  const started = await fetch(`${s.url}/api/visitor/conversations`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${visitor.token}`,
      'content-type': 'application/json',
      'user-agent': mark('userAgent'),
    },
    body: JSON.stringify({
      text: mark('message'),
      clientMsgId: 'c1',
      context: { url: mark('page'), title: mark('pageTitle') },
    }),
  })
  expect(started.status).toBe(201)
  first = ((await started.json()) as { conversation: { id: string } }).conversation.id
  fileId = await upload(first, visitor.token, mark('fileName'), mark('fileBytes'))
  await ok(
    s.http(`/api/conversations/${first}/messages`, {
      token: visitor.token,
      body: { text: mark('withFile'), clientMsgId: 'c2', attachmentIds: [fileId] },
    }),
  )
  uploadId = await upload(first, visitor.token, mark('upload'), mark('fileBytes'))
  await ok(
    s.http(`/api/conversations/${first}/page`, {
      token: visitor.token,
      body: { url: mark('page'), title: mark('pageTitle') },
    }),
  )
  const draft = await ok(
    s.http(`/api/conversations/${first}/messages`, {
      token: visitor.token,
      body: { text: mark('editedAway'), clientMsgId: 'c3' },
    }),
  )
  await ok(
    s.http(`/api/conversations/${first}/messages/${draft.messageId}`, {
      method: 'PATCH',
      token: visitor.token,
      body: { text: mark('edited') },
    }),
  )
  await ok(
    s.http(`/api/conversations/${first}/messages`, {
      token: op.token,
      body: { text: mark('reply'), clientMsgId: 'o1' },
    }),
  )
  await ok(
    s.http(`/api/conversations/${first}/notes`, {
      token: op.token,
      body: { text: mark('note'), clientMsgId: 'n1' },
    }),
  )
  // A conversation attribute an operator set (issue 20): its value may be personal too.
  await ok(
    s.http(`/api/admin/inboxes/${inboxId}/attributes`, {
      token: admin,
      body: { scope: 'conversation', key: 'order_ref', name: 'Order', type: 'text' },
    }),
  )
  await ok(
    s.http(`/api/conversations/${first}/attributes`, {
      token: op.token,
      method: 'PATCH',
      body: { attributes: { order_ref: mark('orderRef') } },
    }),
  )
  await ok(
    s.http(`/api/conversations/${first}/status`, { token: op.token, body: { status: 'resolved' } }),
  )
  await ok(
    s.http(`/api/conversations/${first}/rating`, {
      token: visitor.token,
      body: { score: 4, comment: mark('comment') },
    }),
  )
  const next = await ok(
    s.http('/api/visitor/conversations', {
      token: visitor.token,
      body: { text: mark('second'), clientMsgId: 'c4' },
    }),
  )
  second = next.conversation.id
  await ok(
    s.http('/api/visitor/conversations', {
      token: other.token,
      body: { text: 'someone else entirely', clientMsgId: 'x1' },
    }),
  )
  // The visitor is online; an operator has the second conversation open.
  live = await connect(visitor.token)
  watcher = await connect(op.token)
  await watcher.ok({ type: 'subscribe', conversationId: second, afterSeq: 0 })
})

afterAll(async () => {
  for (const c of sockets) c.close()
  await s.stop()
})

describe('data erasure', () => {
  test('erasure - only admins; an unknown visitor is not found', async () => {
    const operator = await s.operator({ role: 'operator', inboxIds: [inboxId] })
    const refused = await s.http(`/api/admin/visitors/${visitor.visitorId}/erase`, {
      method: 'POST',
      token: operator.token,
    })
    expect(refused.status).toBe(403)
    const missing = await s.http('/api/admin/visitors/no-such-visitor/erase', {
      method: 'POST',
      token: admin,
    })
    expect([missing.status, missing.body.error.code]).toEqual([404, 'not_found'])
    const bad = await s.http('/api/admin/visitors/%00/erase', { method: 'POST', token: admin })
    expect(bad.status).toBe(422)
  })

  test('erasure - nothing of the visitor is left in any table, file, route or transport; the shape and the other visitor stay', async () => {
    // The scan can see each mark before (search asked first, so the indexes hold them too).
    await ok(s.http(`/api/search?q=${encodeURIComponent('xenolithic')}`, { token: admin }))
    const before = await rawTableDump(s)
    expect(found(Object.values(before).join('\n')).sort()).toEqual(
      Object.keys(MARKS)
        .filter((k) => k !== 'editedAway' && k !== 'fileBytes')
        .sort(),
    )
    if (before.message_search_data !== undefined)
      expect(found(before.message_search_data)).toEqual(
        expect.arrayContaining(['message', 'withFile', 'reply', 'edited']),
      )
    expect(found(storedFiles(join(s.dataDir, 'attachments')))).toEqual(['fileBytes'])

    const report = await ok(
      s.http(`/api/admin/visitors/${visitor.visitorId}/erase`, { method: 'POST', token: admin }),
    )
    expect(report).toMatchObject({ visitorId: visitor.visitorId, conversations: 2 })
    expect(report.filesPurged).toBeGreaterThanOrEqual(2)

    // Every table, every stored file.
    const after = await rawTableDump(s)
    for (const [table, rows] of Object.entries(after))
      expect({ table, found: found(rows) }).toEqual({ table, found: [] })
    expect(found(storedFiles(join(s.dataDir, 'attachments')))).toEqual([])
    expect(Object.values(after).join('\n')).toContain('someone else entirely')

    // The live socket was cut and the old token is dead on every transport.
    await live.waitClosed()
    expect((await s.http('/api/visitor/conversations', { token: visitor.token })).status).toBe(401)
    const again = await TestClient.connect(s.wsUrl)
    sockets.push(again)
    const auth = await again.request({ type: 'auth', token: visitor.token })
    expect(auth.type).toBe('error')

    // The operator watching heard of it.
    await watcher.next(
      (f) => f.type === 'event' && f.name === 'conversation.erased' && f.conversationId === second,
    )

    for (const id of [first, second]) {
      // A replay from the start.
      const replay = await connect(op.token)
      const view = await replay.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
      const erased = await replay.next(
        (f) => f.type === 'event' && f.name === 'conversation.erased' && f.conversationId === id,
      )
      expect({ id, found: found(JSON.stringify(replay.events(id))) }).toEqual({ id, found: [] })
      expect(JSON.stringify(view)).not.toContain('vordrake')
      expect(erased.data).toEqual({ by: { kind: 'operator', id: expect.any(String) } })
      // History, the visitor details, the files.
      const history = await ok(s.http(`/api/conversations/${id}/messages`, { token: op.token }))
      expect(found(JSON.stringify(history))).toEqual([])
      expect(history.messages.length).toBeGreaterThan(0)
      for (const m of history.messages)
        expect({ text: m.text, deleted: m.deletedAt !== null }).toEqual({ text: '', deleted: true })
      const details = await ok(s.http(`/api/conversations/${id}/visitor`, { token: op.token }))
      expect(found(JSON.stringify(details))).toEqual([])
      expect(details.visitor).toMatchObject({
        name: null,
        email: null,
        phone: null,
        attributes: {},
        externalId: null,
        erasedAt: report.erasedAt,
      })
      // Nothing more is written to it.
      const send = await s.http(`/api/conversations/${id}/messages`, {
        token: op.token,
        body: { text: 'anyone there?', clientMsgId: `late-${id}` },
      })
      expect([send.status, send.body.error.code]).toEqual([409, 'conflict'])
      const reopen = await s.http(`/api/conversations/${id}/status`, {
        token: op.token,
        body: { status: 'open' },
      })
      expect(reopen.status).toBe(409)
    }
    for (const fid of [fileId, uploadId]) {
      const res = await fetch(`${s.url}/api/conversations/${first}/attachments/${fid}`, {
        headers: { authorization: `Bearer ${admin}` },
      })
      expect({ fid, status: res.status }).toEqual({ fid, status: 404 })
    }

    // Search, the inbox list, a new export.
    for (const word of ['xenolithic', 'quillon', 'vordrake', 'jubelwick', 'platinumvqk']) {
      const res = await ok(s.http(`/api/search?q=${word}`, { token: admin }))
      expect({ word, found: JSON.stringify(res).toLowerCase().includes(word) }).toEqual({
        word,
        found: false,
      })
    }
    const list = await ok(s.http('/api/inbox?status=closed', { token: admin }))
    expect(found(JSON.stringify(list))).toEqual([])
    const row = list.items.find((i: { id: string }) => i.id === first)
    expect(row.status).toBe('closed')
    expect(row.erasedAt).toBeGreaterThanOrEqual(report.erasedAt)
    expect(row.visitor.label).toBe('Erased visitor')
    for (const query of [
      `email=${encodeURIComponent(mark('email'))}`,
      `externalId=${mark('externalId')}`,
    ])
      expect((await ok(s.http(`/api/admin/visitors?${query}`, { token: admin }))).visitors).toEqual(
        [],
      )
    const exported = await fetch(`${s.url}/api/admin/visitors/${visitor.visitorId}/export`, {
      headers: { authorization: `Bearer ${admin}` },
    })
    const archive = unzipSync(new Uint8Array(await exported.arrayBuffer()))
    expect(Object.keys(archive)).toEqual(['visitor.json'])
    const json = JSON.parse(strFromU8(archive['visitor.json']!))
    expect(found(JSON.stringify(json))).toEqual([])
    expect(json.visitor.erasedAt).toBe(report.erasedAt)

    // The shape stays: both conversations, their seqs, the rating's score.
    const events = json.conversations.flatMap((c: { events: Array<{ name: string }> }) => c.events)
    const rated = events.find((e: { name: string }) => e.name === 'conversation.rated')
    expect(rated.data.rating).toMatchObject({ score: 4, comment: null })
    expect(events.filter((e: { name: string }) => e.name === 'message.created')).toHaveLength(5)

    // On record, once per request.
    const audit = await ok(s.http('/api/admin/audit?action=visitor.erased', { token: admin }))
    expect(audit.entries).toHaveLength(1)
    expect(audit.entries[0]).toMatchObject({
      targetKind: 'visitor',
      targetId: visitor.visitorId,
      details: { conversations: 2 },
    })

    // Asking again finishes nothing new and changes nothing.
    const repeat = await ok(
      s.http(`/api/admin/visitors/${visitor.visitorId}/erase`, { method: 'POST', token: admin }),
    )
    expect(repeat).toMatchObject({ conversations: 0, erasedAt: report.erasedAt })
  })

  test('erasure - racing the visitor sending as fast as they can: every stored message is erased, nothing after it is taken', async () => {
    const racer = await s.visitorToken(inboxId)
    const socket = await connect(racer.token)
    const start = await socket.ok({ type: 'start', clientMsgId: 'r0', text: 'race qorvandel 0' })
    const id = start.conversation.id as string
    let acked = 0
    let refused = 0
    const sending = (async () => {
      // Bounded: at most 90 sends (a history page holds them all) or 15 s.
      const until = Date.now() + 15_000
      for (let i = 1; i <= 90 && Date.now() < until; i++) {
        try {
          const reply = await socket.request(
            { type: 'send', conversationId: id, clientMsgId: `r${i}`, text: `race qorvandel ${i}` },
            1000,
          )
          if (reply.type === 'ack') acked++
          else refused++
        } catch {
          break // the socket was cut
        }
        if (socket.closedWith) break
      }
    })()
    // The erasure starts once the visitor is well under way.
    for (const until = Date.now() + 5000; acked < 5 && Date.now() < until;) await Bun.sleep(5)
    expect(acked).toBeGreaterThanOrEqual(5)
    await ok(
      s.http(`/api/admin/visitors/${racer.visitorId}/erase`, { method: 'POST', token: admin }),
    )
    await sending
    const dump = Object.values(await rawTableDump(s)).join('\n')
    expect({ acked, refused, found: dump.includes('qorvandel') }).toEqual({
      acked,
      refused,
      found: false,
    })
    const history = await ok(
      s.http(`/api/conversations/${id}/messages?limit=100`, { token: admin }),
    )
    expect(history.messages.every((m: { text: string }) => m.text === '')).toBe(true)
    // Every acked send is stored (and erased); one in flight as the socket was cut may be too.
    expect(history.messages.length - 1 - acked).toBeOneOf([0, 1])
  })
})
