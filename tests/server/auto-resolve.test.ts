/**
 * Auto-resolve (issue 20) with the fake clock, on SQLite or Postgres: an inbox's open
 * (and pending) conversations without a message for `autoResolveAfterDays` are resolved by the system after
 * the inbox's message in the conversation's language (one write: the message, then the
 * status); one with a message since, a snoozed one, another inbox's (setting 0) and a resolved
 * one stay as they are; the message can be left empty; bad settings are typed errors.
 */
import { describe, expect, test } from 'bun:test'
import { FakeClock } from '../../actors/index.ts'
import { httpSend, httpStart } from '../helpers/http.ts'
import { useServers } from '../helpers/lifecycle.ts'
import { metric } from '../helpers/server.ts'

const DAY = 86_400_000
const { server } = useServers()

describe('auto-resolve (issue 20)', () => {
  test('auto-resolve - open and silent for N days: resolved by the system after its message; anything else stays', async () => {
    const clock = new FakeClock(Date.parse('2026-03-01T10:00:00Z'))
    const env = { RETENTION_SWEEP_MS: '0', OPERATOR_SESSION_TTL: String(7 * 86400) }
    const s = await server({ clock, env })
    const admin = await s.adminToken()
    const inboxId = await s.defaultInboxId()
    const patch = (id: string, settings: object) =>
      s.http(`/api/admin/inboxes/${id}`, { method: 'PATCH', token: admin, body: { settings } })
    for (const bad of [-1, 366, 1.5, '3']) {
      const res = await patch(inboxId, { autoResolveAfterDays: bad })
      expect({ bad, status: res.status }).toEqual({ bad, status: 422 })
    }
    const long = { en: 'x'.repeat(4001), ru: '' }
    expect((await patch(inboxId, { autoResolveMessage: long })).status).toBe(422)
    expect((await patch(inboxId, { autoResolveMessage: { en: 'hi' } })).status).toBe(422)
    const message = {
      en: 'We closed this for now. Write again any time.',
      ru: 'Мы закрыли обращение. Пишите, если нужно.',
    }
    const set = await patch(inboxId, { autoResolveAfterDays: 3, autoResolveMessage: message })
    expect(set.status).toBe(200)
    expect(set.body.settings).toMatchObject({
      autoResolveAfterDays: 3,
      autoResolveMessage: message,
    })
    const other = (await s.http('/api/admin/inboxes', { token: admin, body: { name: 'Never' } }))
      .body.id as string
    const op = await s.operator({ inboxIds: [inboxId, other] })

    const silent = await httpStart(s, undefined, 'hello?')
    const russian = await s.http('/api/visitor/conversations', {
      token: (await s.visitorToken(inboxId)).token,
      body: { text: 'привет', clientMsgId: 'ru-1', locale: 'ru' },
    })
    expect(russian.status).toBe(201)
    const talking = await httpStart(s, undefined, 'a question')
    const snoozed = await httpStart(s, undefined, 'waiting for me')
    const resolved = await httpStart(s, undefined, 'done already')
    const pending = await httpStart(s, undefined, 'I will send the photos later')
    const elsewhere = await s.http('/api/visitor/conversations', {
      token: (await s.visitorToken(other)).token,
      body: { text: 'other inbox', clientMsgId: 'o-1' },
    })
    const snooze = await s.http(`/api/conversations/${snoozed.id}/snooze`, {
      token: op.token,
      body: {},
    })
    expect(snooze.status).toBe(200)
    const done = await s.http(`/api/conversations/${resolved.id}/status`, {
      token: op.token,
      body: { status: 'resolved' },
    })
    expect(done.status).toBe(200)
    const waiting = await s.http(`/api/conversations/${pending.id}/status`, {
      token: op.token,
      body: { status: 'pending' },
    })
    expect(waiting.status).toBe(200)

    await clock.advance(2 * DAY)
    expect((await s.runRetention()).autoResolved).toBe(0)
    await httpSend(s, op.token, talking.id, 'op-1', 'looking into it')
    await clock.advance(DAY + 1000)
    const report = await s.runRetention()
    expect(report.autoResolved).toBe(3)

    const view = async (id: string) =>
      (await s.http(`/api/conversations/${id}`, { token: op.token })).body.conversation
    expect((await view(silent.id)).status).toBe('resolved')
    expect((await view(russian.body.conversation.id)).status).toBe('resolved')
    // Pending on the visitor, who never wrote back: resolved like an open one.
    expect((await view(pending.id)).status).toBe('resolved')
    expect((await view(talking.id)).status).toBe('open')
    expect((await view(snoozed.id)).status).toBe('open')
    expect((await view(elsewhere.body.conversation.id)).status).toBe('open')
    // The message, then the status, by the system, in the conversation's language.
    const tail = (await s.store.conversations.eventsAfter(silent.id, 0, 100)).slice(-2)
    expect(tail).toMatchObject([
      {
        name: 'message.created',
        data: { message: { text: message.en, author: { kind: 'system' } } },
      },
      {
        name: 'conversation.status',
        data: { status: 'resolved', by: { kind: 'system', id: 'auto_resolve' } },
      },
    ])
    const ru = await s.store.conversations.eventsAfter(russian.body.conversation.id, 0, 100)
    expect(ru.at(-2)).toMatchObject({ data: { message: { text: message.ru } } })
    // A message like any other in the history (the visitor's token has long expired here).
    const history = await s.http(`/api/conversations/${silent.id}/messages`, { token: op.token })
    expect(history.body.messages.at(-1)).toMatchObject({ text: message.en })
    // Nothing more to do; the one answered goes after its own quiet days, with no message now.
    expect((await s.runRetention()).autoResolved).toBe(0)
    expect((await patch(inboxId, { autoResolveMessage: { en: '', ru: '' } })).status).toBe(200)
    await clock.advance(2 * DAY)
    expect((await s.runRetention()).autoResolved).toBe(1)
    const quiet = await s.store.conversations.eventsAfter(talking.id, 0, 100)
    expect(quiet.at(-1)).toMatchObject({
      name: 'conversation.status',
      data: { status: 'resolved' },
    })
    expect(quiet.at(-2)).toMatchObject({
      name: 'message.created',
      data: { message: { text: 'looking into it' } },
    })
    expect(await metric(s, 'parley_retention_total{kind="conversation_auto_resolved"}')).toBe(4)
  })
})
