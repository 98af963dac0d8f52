/**
 * Canned replies through the real server (O6): personal replies private to their owner, an
 * inbox's shared replies read by its operators and written by admins and supervisors in scope,
 * shortcuts unique per scope (case-insensitively), the per-scope limit, and bad input refused
 * with a typed error that changes nothing. Runs on SQLite, and on Postgres with
 * PARLEY_TEST_DB=postgres.
 */
import { describe, expect, test } from 'bun:test'
import { MAX_TEXT_LENGTH } from '../../protocol/index.ts'
import { MAX_CANNED_PER_SCOPE } from '../../server/http/canned.ts'
import { useServers } from '../helpers/lifecycle.ts'
import type { TestServer } from '../helpers/server.ts'

const u = useServers()

const PATH = '/api/canned-replies'

function reply(shortcut: string, extra: Record<string, unknown> = {}) {
  return { shortcut, title: `Title ${shortcut}`, text: `Text of ${shortcut}`, ...extra }
}

async function newInbox(s: TestServer, name: string): Promise<string> {
  const res = await s.http('/api/admin/inboxes', { token: await s.adminToken(), body: { name } })
  expect(res.status).toBe(201)
  return res.body.id
}

async function list(s: TestServer, token: string, inboxId?: string) {
  const res = await s.http(inboxId ? `${PATH}?inbox=${inboxId}` : PATH, { token })
  expect(res.status).toBe(200)
  return (res.body.replies as Array<Record<string, any>>).map((r) => r.shortcut as string)
}

describe('canned replies - personal', () => {
  test('canned - an operator creates, lists, edits and deletes their own replies', async () => {
    const s = await u.server()
    const inboxId = await s.defaultInboxId()
    const op = await s.operator({ inboxIds: [inboxId] })
    const created = await s.http(PATH, {
      token: op.token,
      body: { scope: 'personal', shortcut: '  Thanks ', title: ' Thank you ', text: 'Thanks!' },
    })
    expect(created.status).toBe(201)
    // Shortcuts are stored lower-cased; titles trimmed.
    expect(created.body).toMatchObject({
      shortcut: 'thanks',
      title: 'Thank you',
      text: 'Thanks!',
      ownerId: op.id,
      inboxId: null,
      createdBy: op.id,
    })
    expect(await list(s, op.token)).toEqual(['thanks'])
    // Personal replies come along in every inbox's list.
    expect(await list(s, op.token, inboxId)).toEqual(['thanks'])

    const id = created.body.id
    const edited = await s.http(`${PATH}/${id}`, {
      token: op.token,
      method: 'PATCH',
      body: { text: 'Thank you, {visitor.name}!' },
    })
    expect(edited.status).toBe(200)
    expect(edited.body).toMatchObject({ shortcut: 'thanks', text: 'Thank you, {visitor.name}!' })
    expect(edited.body.updatedAt).toBeGreaterThanOrEqual(created.body.updatedAt)

    const removed = await s.http(`${PATH}/${id}`, { token: op.token, method: 'DELETE' })
    expect(removed).toMatchObject({ status: 200, body: { ok: true } })
    expect(await list(s, op.token)).toEqual([])
    const again = await s.http(`${PATH}/${id}`, { token: op.token, method: 'DELETE' })
    expect(again.status).toBe(404)
  })

  test("canned - another operator's personal reply is never readable, editable or deletable, not even by an admin", async () => {
    const s = await u.server()
    const inboxId = await s.defaultInboxId()
    const anna = await s.operator({ inboxIds: [inboxId] })
    const boris = await s.operator({ inboxIds: [inboxId] })
    const mine = await s.http(PATH, {
      token: anna.token,
      body: { scope: 'personal', ...reply('hi') },
    })
    expect(mine.status).toBe(201)
    // The same shortcut in another operator's own scope is no conflict.
    const theirs = await s.http(PATH, {
      token: boris.token,
      body: { scope: 'personal', ...reply('hi', { text: 'Boris says hi' }) },
    })
    expect(theirs.status).toBe(201)

    expect(await list(s, boris.token, inboxId)).toEqual(['hi'])
    const borisSees = await s.http(`${PATH}?inbox=${inboxId}`, { token: boris.token })
    expect(borisSees.body.replies.map((r: { id: string }) => r.id)).toEqual([theirs.body.id])
    const adminSees = await s.http(`${PATH}?inbox=${inboxId}`, { token: await s.adminToken() })
    expect(adminSees.body.replies).toEqual([])

    for (const token of [boris.token, await s.adminToken()]) {
      const patch = await s.http(`${PATH}/${mine.body.id}`, {
        token,
        method: 'PATCH',
        body: { text: 'taken over' },
      })
      expect(patch.status).toBe(404)
      expect(patch.body.error.code).toBe('not_found')
      const del = await s.http(`${PATH}/${mine.body.id}`, { token, method: 'DELETE' })
      expect(del.body.error.code).toBe('not_found')
    }
    const still = await s.http(PATH, { token: anna.token })
    expect(still.body.replies).toMatchObject([{ id: mine.body.id, text: 'Text of hi' }])
  })
})

describe('canned replies - shared in an inbox', () => {
  test('canned - admins and supervisors write an inbox’s replies; its operators only read them', async () => {
    const s = await u.server()
    const inboxId = await s.defaultInboxId()
    const admin = await s.adminToken()
    const op = await s.operator({ inboxIds: [inboxId] })
    const supervisor = await s.operator({ role: 'supervisor', inboxIds: [inboxId] })

    const shared = await s.http(PATH, {
      token: admin,
      body: { scope: 'inbox', inboxId, ...reply('greet', { text: 'Hello {visitor.name}!' }) },
    })
    expect(shared.status).toBe(201)
    expect(shared.body).toMatchObject({ inboxId, ownerId: null, shortcut: 'greet' })
    const bySupervisor = await s.http(PATH, {
      token: supervisor.token,
      body: { scope: 'inbox', inboxId, ...reply('bye') },
    })
    expect(bySupervisor.status).toBe(201)

    // The operator reads them with their own, sorted by shortcut.
    await s.http(PATH, { token: op.token, body: { scope: 'personal', ...reply('address') } })
    expect(await list(s, op.token, inboxId)).toEqual(['address', 'bye', 'greet'])
    // Without an inbox: their own only.
    expect(await list(s, op.token)).toEqual(['address'])

    // ...but may not add, change or delete them.
    const add = await s.http(PATH, {
      token: op.token,
      body: { scope: 'inbox', inboxId, ...reply('mine') },
    })
    expect(add.status).toBe(403)
    expect(add.body.error.code).toBe('forbidden')
    const patch = await s.http(`${PATH}/${shared.body.id}`, {
      token: op.token,
      method: 'PATCH',
      body: { title: 'Changed' },
    })
    expect(patch.body.error.code).toBe('forbidden')
    const del = await s.http(`${PATH}/${shared.body.id}`, { token: op.token, method: 'DELETE' })
    expect(del.body.error.code).toBe('forbidden')
    expect(await list(s, op.token, inboxId)).toEqual(['address', 'bye', 'greet'])

    // The supervisor edits the admin's reply; the admin deletes the supervisor's.
    const edited = await s.http(`${PATH}/${shared.body.id}`, {
      token: supervisor.token,
      method: 'PATCH',
      body: { title: 'Greeting' },
    })
    expect(edited.body).toMatchObject({ title: 'Greeting', text: 'Hello {visitor.name}!' })
    const gone = await s.http(`${PATH}/${bySupervisor.body.id}`, { token: admin, method: 'DELETE' })
    expect(gone.status).toBe(200)
    expect(await list(s, op.token, inboxId)).toEqual(['address', 'greet'])
  })

  test("canned - an inbox outside the operator's scope is refused, and its replies stay out of reach", async () => {
    const s = await u.server()
    const home = await s.defaultInboxId()
    const other = await newInbox(s, 'Sales')
    const admin = await s.adminToken()
    const op = await s.operator({ inboxIds: [home] })
    const theirs = await s.http(PATH, {
      token: admin,
      body: { scope: 'inbox', inboxId: other, ...reply('price') },
    })
    expect(theirs.status).toBe(201)

    const listed = await s.http(`${PATH}?inbox=${other}`, { token: op.token })
    expect(listed.status).toBe(403)
    expect(listed.body.error.code).toBe('forbidden')
    const patch = await s.http(`${PATH}/${theirs.body.id}`, {
      token: op.token,
      method: 'PATCH',
      body: { title: 'x' },
    })
    expect(patch.body.error.code).toBe('not_found')
    expect(await list(s, admin, other)).toEqual(['price'])
  })

  test('canned - with ELEVATED_SCOPE=members a supervisor writes only the replies of their own inboxes; an admin those of every inbox', async () => {
    const s = await u.server({ env: { ELEVATED_SCOPE: 'members' } })
    const home = await s.defaultInboxId()
    const other = await newInbox(s, 'Sales')
    const supervisor = await s.operator({ role: 'supervisor', inboxIds: [home] })
    const own = await s.http(PATH, {
      token: supervisor.token,
      body: { scope: 'inbox', inboxId: home, ...reply('ok') },
    })
    expect(own.status).toBe(201)
    const outside = await s.http(PATH, {
      token: supervisor.token,
      body: { scope: 'inbox', inboxId: other, ...reply('no') },
    })
    expect(outside.status).toBe(403)
    expect(outside.body.error.code).toBe('forbidden')
    const theirs = await s.http(PATH, {
      token: await s.adminToken(),
      body: { scope: 'inbox', inboxId: other, ...reply('price') },
    })
    const del = await s.http(`${PATH}/${theirs.body.id}`, {
      token: supervisor.token,
      method: 'DELETE',
    })
    expect(del.body.error.code).toBe('not_found')
    expect(await list(s, await s.adminToken(), other)).toEqual(['price'])
  })

  test('canned - an operator without the chat permission reads no inbox replies; a visitor none at all', async () => {
    const s = await u.server()
    const inboxId = await s.defaultInboxId()
    const viewer = await s.operator({ inboxIds: [inboxId], canChat: false })
    const res = await s.http(`${PATH}?inbox=${inboxId}`, { token: viewer.token })
    expect(res.body.error.code).toBe('forbidden')
    const visitor = await s.visitorToken()
    const asVisitor = await s.http(`${PATH}?inbox=${inboxId}`, { token: visitor.token })
    expect(asVisitor.body.error.code).toBe('forbidden')
    const anonymous = await s.http(PATH)
    expect(anonymous.status).toBe(401)
  })
})

describe('canned replies - limits and refusals', () => {
  test('canned - a shortcut taken in the same scope is a typed conflict, in any letter case', async () => {
    const s = await u.server()
    const inboxId = await s.defaultInboxId()
    const admin = await s.adminToken()
    const first = await s.http(PATH, {
      token: admin,
      body: { scope: 'inbox', inboxId, ...reply('greet') },
    })
    expect(first.status).toBe(201)
    const dup = await s.http(PATH, {
      token: admin,
      body: { scope: 'inbox', inboxId, ...reply('GREET', { text: 'other' }) },
    })
    expect(dup.status).toBe(409)
    expect(dup.body.error.code).toBe('conflict')
    // The same shortcut as the admin's personal reply is another scope.
    const personal = await s.http(PATH, {
      token: admin,
      body: { scope: 'personal', ...reply('greet') },
    })
    expect(personal.status).toBe(201)

    // Renaming onto a taken shortcut: conflict, and the reply keeps its own.
    const second = await s.http(PATH, {
      token: admin,
      body: { scope: 'inbox', inboxId, ...reply('bye') },
    })
    const rename = await s.http(`${PATH}/${second.body.id}`, {
      token: admin,
      method: 'PATCH',
      body: { shortcut: 'greet', title: 'Renamed' },
    })
    expect(rename.status).toBe(409)
    expect(rename.body.error.code).toBe('conflict')
    const shared = (await s.http(`${PATH}?inbox=${inboxId}`, { token: admin })).body.replies
    expect(shared.filter((r: { inboxId: string | null }) => r.inboxId !== null)).toMatchObject([
      { shortcut: 'bye', title: 'Title bye' },
      { shortcut: 'greet', text: 'Text of greet' },
    ])
  })

  test(`canned - a scope holds at most ${MAX_CANNED_PER_SCOPE} replies`, async () => {
    const s = await u.server()
    const op = await s.operator()
    const now = Date.now()
    // All but one through the store (fast), the last through the API.
    for (let i = 0; i < MAX_CANNED_PER_SCOPE - 1; i++) {
      await s.store.cannedReplies.create(
        {
          id: `c${i}`,
          inboxId: null,
          ownerId: op.id,
          shortcut: `r${i}`,
          title: 't',
          text: 'x',
          createdBy: op.id,
          createdAt: now,
          updatedAt: now,
        },
        MAX_CANNED_PER_SCOPE,
      )
    }
    const last = await s.http(PATH, {
      token: op.token,
      body: { scope: 'personal', ...reply('last') },
    })
    expect(last.status).toBe(201)
    const over = await s.http(PATH, {
      token: op.token,
      body: { scope: 'personal', ...reply('over') },
    })
    expect(over.status).toBe(422)
    expect(over.body.error).toMatchObject({ code: 'validation_failed' })
    expect(over.body.error.message).toContain(String(MAX_CANNED_PER_SCOPE))
    expect((await list(s, op.token)).length).toBe(MAX_CANNED_PER_SCOPE)
    // Another operator's scope is not full.
    const other = await s.operator()
    const fine = await s.http(PATH, {
      token: other.token,
      body: { scope: 'personal', ...reply('over') },
    })
    expect(fine.status).toBe(201)
  })

  test('canned - creates racing in one scope never go past the limit', async () => {
    const s = await u.server()
    const inboxId = await s.defaultInboxId()
    const now = Date.now()
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        s.store.cannedReplies.create(
          {
            id: `race${i}`,
            inboxId,
            ownerId: null,
            shortcut: `r${i}`,
            title: 't',
            text: 'x',
            createdBy: null,
            createdAt: now,
            updatedAt: now,
          },
          5,
        ),
      ),
    )
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(5)
    for (const o of outcomes) {
      if (o.status === 'rejected') expect(o.reason.code).toBe('validation_failed')
    }
    expect(await list(s, await s.adminToken(), inboxId)).toHaveLength(5)
  })

  test('canned - bad input gets a typed error naming the field and changes nothing', async () => {
    const s = await u.server()
    const inboxId = await s.defaultInboxId()
    const admin = await s.adminToken()
    const kept = await s.http(PATH, { token: admin, body: { scope: 'personal', ...reply('kept') } })
    expect(kept.status).toBe(201)
    const bad: Array<[unknown, string]> = [
      [{ scope: 'personal', ...reply('two words') }, 'shortcut'],
      [{ scope: 'personal', ...reply('-dash') }, 'shortcut'],
      [{ scope: 'personal', ...reply('x'.repeat(33)) }, 'shortcut'],
      [{ scope: 'personal', ...reply('') }, 'shortcut'],
      [{ scope: 'personal', ...reply('émoji') }, 'shortcut'],
      [{ scope: 'personal', ...reply('ok', { title: '   ' }) }, 'title'],
      [{ scope: 'personal', ...reply('ok', { title: 't'.repeat(101) }) }, 'title'],
      [{ scope: 'personal', ...reply('ok', { text: '  ' }) }, 'text'],
      [{ scope: 'personal', ...reply('ok', { text: 'x'.repeat(MAX_TEXT_LENGTH + 1) }) }, 'text'],
      [{ scope: 'personal', ...reply('ok', { extra: 1 }) }, ''],
      [{ scope: 'inbox', ...reply('ok') }, ''],
      [{ scope: 'everyone', ...reply('ok') }, ''],
      [{ scope: 'personal', shortcut: 'ok', title: 'no text' }, ''],
    ]
    for (const [body, field] of bad) {
      const res = await s.http(PATH, { token: admin, body })
      expect(res.status).toBe(422)
      expect(res.body.error.code).toBe('validation_failed')
      if (field) expect(res.body.error.message).toContain(field)
    }
    const unknownInbox = await s.http(PATH, {
      token: admin,
      body: { scope: 'inbox', inboxId: 'no-such-inbox', ...reply('ok') },
    })
    expect(unknownInbox.status).toBe(404)
    expect(unknownInbox.body.error.code).toBe('not_found')
    const notJson = await s.http(PATH, { token: admin, body: '{"scope":' })
    expect(notJson.status).toBe(400)

    for (const patch of [{}, { shortcut: 'a b' }, { title: '' }, { text: '' }, { ownerId: 'x' }]) {
      const res = await s.http(`${PATH}/${kept.body.id}`, {
        token: admin,
        method: 'PATCH',
        body: patch,
      })
      expect(res.status).toBe(422)
      expect(res.body.error.code).toBe('validation_failed')
    }
    const missing = await s.http(`${PATH}/nope`, {
      token: admin,
      method: 'PATCH',
      body: { title: 'x' },
    })
    expect(missing.body.error.code).toBe('not_found')
    const listed = await s.http(`${PATH}?inbox=${inboxId}`, { token: admin })
    expect(listed.body.replies).toEqual([kept.body])
    const unknownList = await s.http(`${PATH}?inbox=no-such-inbox`, { token: admin })
    expect(unknownList.body.error.code).toBe('not_found')
  })
})
