/**
 * The visitor's profile and the pre-chat form (identity and context) through the real server,
 * on SQLite or Postgres (PARLEY_TEST_DB): the visitor reads and changes what they told
 * (name, e-mail, phone, attributes); an admin's form decides which attributes are choices and,
 * in `before` mode, what a new conversation needs first; operators who may view a conversation
 * read its visitor. Every bad value is refused whole and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { httpStart } from '../helpers/http.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'

let s: TestServer

beforeAll(async () => {
  s = await startTestServer()
})
afterAll(async () => {
  await s.stop()
})

const FORM = {
  mode: 'before',
  fields: [
    { key: 'name', type: 'text', label: { en: 'Name', ru: 'Имя' }, required: false },
    { key: 'email', type: 'email', label: { en: 'E-mail', ru: 'Почта' }, required: true },
    {
      key: 'plan',
      type: 'select',
      label: { en: 'Plan', ru: 'Тариф' },
      required: true,
      options: ['Free', 'Pro'],
    },
  ],
}

async function setForm(preChat: unknown) {
  return s.http(`/api/admin/inboxes/${await s.defaultInboxId()}`, {
    method: 'PATCH',
    token: await s.adminToken(),
    body: { settings: { preChat } },
  })
}

async function profile(token: string, body?: unknown) {
  return s.http('/api/visitor/profile', body ? { method: 'PATCH', token, body } : { token })
}

describe('visitor profile', () => {
  test('profile - the visitor reads and changes name, e-mail, phone and attributes; null clears', async () => {
    const { token } = await s.visitorToken()
    expect((await profile(token)).body).toEqual({
      name: null,
      email: null,
      phone: null,
      attributes: {},
    })
    const set = await profile(token, {
      name: '  Olga  ',
      email: 'Olga@Example.COM',
      phone: '+7 (900) 123-45-67',
      attributes: { company: 'Acme', seats: 12, trial: true },
    })
    expect(set.status).toBe(200)
    expect(set.body).toEqual({
      name: 'Olga',
      email: 'olga@example.com',
      phone: '+7 (900) 123-45-67',
      attributes: { company: 'Acme', seats: 12, trial: true },
    })
    const cleared = await profile(token, { phone: null, attributes: { trial: null, seats: 13 } })
    expect(cleared.body).toEqual({
      name: 'Olga',
      email: 'olga@example.com',
      phone: null,
      attributes: { company: 'Acme', seats: 13 },
    })
    expect((await profile(token)).body).toEqual(cleared.body)
  })

  test('profile - bad values are refused whole and change nothing', async () => {
    const { token } = await s.visitorToken()
    await profile(token, { name: 'Ivan', attributes: { company: 'Acme' } })
    const before = (await profile(token)).body
    const refusals: unknown[] = [
      { email: 'not-an-email' },
      { phone: 'call me maybe' },
      { name: '' },
      { name: 'x'.repeat(101) },
      { attributes: { 'Bad-Key': 'x' } },
      { attributes: { company: 'x'.repeat(501) } },
      { attributes: { email: 'a@b.co' } },
      { attributes: { nested: { a: 1 } } },
      { attributes: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) },
      { name: 'Ivan', surprise: true },
      // Valid alone, but together with the stored one over the limit of 50.
      { attributes: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i])) },
    ]
    for (const body of refusals) {
      const res = await profile(token, body)
      expect(res.status).toBe(422)
      expect(res.body.error.code).toBe('validation_failed')
    }
    expect((await profile(token)).body).toEqual(before)
    const operator = await s.operator()
    expect((await profile(operator.token)).status).toBe(403)
  })

  test('profile - a form in "before" mode: no conversation until its required answers are given; choices are checked', async () => {
    expect((await setForm(FORM)).status).toBe(200)
    try {
      // The widget reads the form with the availability.
      const availability = await s.http(
        `/api/visitor/availability?inboxId=${await s.defaultInboxId()}`,
      )
      expect(availability.body.preChat).toEqual(FORM)
      const { token } = await s.visitorToken()
      const refused = await s.http('/api/visitor/conversations', {
        token,
        body: { text: 'hello' },
      })
      expect(refused.status).toBe(422)
      expect(refused.body.error.message).toContain('email, plan')

      const wrongChoice = await profile(token, { attributes: { plan: 'Gold' } })
      expect(wrongChoice.status).toBe(422)
      expect(wrongChoice.body.error.message).toContain('attributes.plan')
      await profile(token, { email: 'v@example.com', attributes: { plan: 'Pro' } })
      const started = await s.http('/api/visitor/conversations', {
        token,
        body: { text: 'hello' },
      })
      expect(started.status).toBe(201)

      // Operators see who it is.
      const operator = await s.operator()
      const seen = await s.http(`/api/conversations/${started.body.conversation.id}/visitor`, {
        token: operator.token,
      })
      expect(seen.status).toBe(200)
      expect(seen.body.visitor).toMatchObject({
        identified: false,
        email: 'v@example.com',
        attributes: { plan: 'Pro' },
      })
      const byVisitor = await s.http(`/api/conversations/${started.body.conversation.id}/visitor`, {
        token,
      })
      expect(byVisitor.status).toBe(403)
    } finally {
      expect((await setForm({ mode: 'off', fields: [] })).status).toBe(200)
    }
    // Off again: a conversation without any answer.
    const started = await httpStart(s, undefined, 'hi')
    expect(started.id).toBeString()
  })

  test("profile - the admin's form is checked whole: types match keys, selects have options, keys are unique", async () => {
    const label = { en: 'X', ru: 'X' }
    const bad = [
      { mode: 'before', fields: [{ key: 'email', type: 'text', label, required: true }] },
      { mode: 'before', fields: [{ key: 'phone', type: 'email', label, required: true }] },
      { mode: 'before', fields: [{ key: 'plan', type: 'select', label, required: true }] },
      {
        mode: 'before',
        fields: [{ key: 'note', type: 'text', label, required: false, options: ['a'] }],
      },
      {
        mode: 'after',
        fields: [
          { key: 'note', type: 'text', label, required: false },
          { key: 'note', type: 'text', label, required: true },
        ],
      },
      { mode: 'sometimes', fields: [] },
      { mode: 'off', fields: [{ key: 'note', type: 'text', label: { en: '', ru: 'x' } }] },
    ]
    for (const preChat of bad) {
      const res = await setForm(preChat)
      expect(res.status).toBe(422)
    }
    const inboxId = await s.defaultInboxId()
    const listed = await s.http('/api/admin/inboxes', { token: await s.adminToken() })
    const inbox = listed.body.inboxes.find((i: { id: string }) => i.id === inboxId)
    expect(inbox.settings.preChat.mode).toBe('off')
  })
})
