/**
 * Proactive messages (issue 20, M6) through the real server on a FakeClock, on SQLite or
 * Postgres (PARLEY_TEST_DB): admins and supervisors define campaigns; a page offers its visitor
 * the ones whose rules match (page, language, country, new or returning, dates); each showing is
 * recorded once per visitor and campaign, at most one per the inbox's gap; a first message that
 * answers one starts a conversation attributed to it, its text first; counts and analytics add
 * up; bad input, operators and outsiders change nothing.
 */
import { describe, expect, test } from 'bun:test'
import { FakeClock } from '../../actors/index.ts'
import { useServers } from '../helpers/lifecycle.ts'
import { MINUTE } from '../helpers/routing.ts'
import type { TestServer } from '../helpers/server.ts'

const u = useServers()
const HOUR = 60 * MINUTE
/** Yandex's public resolver (RU) and Google's (US), in the shipped country database. */
const RU_ADDRESS = '77.88.8.8'
const US_ADDRESS = '8.8.8.8'
const PRICING = 'https://shop.example/pricing?plan=pro#top'
const HOME = 'https://shop.example/'

async function ok(res: Promise<{ status: number; body: any }>, status = 200) {
  const r = await res
  if (r.status !== status) throw new Error(`${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}

async function refusal(res: Promise<{ status: number; body: any }>) {
  const r = await res
  return { status: r.status, code: r.body?.error?.code as string }
}

async function campaign(s: TestServer, inboxId: string, body: Record<string, unknown>) {
  const created = await ok(
    s.http(`/api/admin/inboxes/${inboxId}/campaigns`, { token: await s.adminToken(), body }),
    201,
  )
  return created.campaign as { id: string; [k: string]: any }
}

/** What the page offers, asked as the widget does (token optional, address via the proxy). */
async function offers(
  s: TestServer,
  inboxId: string,
  url: string,
  opts: { token?: string; lang?: string; address?: string } = {},
): Promise<string[]> {
  const q = new URLSearchParams({ inboxId, url, ...(opts.lang ? { lang: opts.lang } : {}) })
  const res = await fetch(`${s.url}/api/visitor/campaigns?${q}`, {
    headers: {
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.address ? { 'x-real-ip': opts.address } : {}),
    },
  })
  const body = (await res.json()) as { campaigns: { id: string }[] }
  if (res.status !== 200) throw new Error(`${res.status} ${JSON.stringify(body)}`)
  return body.campaigns.map((c: { id: string }) => c.id)
}

function shown(s: TestServer, token: string, id: string) {
  return s.http(`/api/visitor/campaigns/${id}/shown`, { token, body: {} })
}

function reply(s: TestServer, token: string, campaignId: string, text?: string) {
  return s.http('/api/visitor/conversations', {
    token,
    body: { campaignId, ...(text !== undefined ? { text, clientMsgId: 'c1' } : {}) },
  })
}

describe('campaigns (issue 20): definitions', () => {
  test('campaigns - admins and supervisors define them; bad input, operators and outsiders are refused', async () => {
    const s = await u.server({ clock: new FakeClock(Date.parse('2026-12-07T10:00:00Z')) })
    const admin = await s.adminToken()
    const inboxId = await s.defaultInboxId()
    const member = await s.operator({ inboxIds: [inboxId] })
    const supervisor = await s.operator({ inboxIds: [inboxId], role: 'supervisor' })
    const other = await ok(
      s.http('/api/admin/inboxes', { token: admin, body: { name: 'Other' } }),
      201,
    )
    // An operator of another inbox: this one does not exist for them.
    const stranger = await s.operator({ inboxIds: [other.id] })
    const made = await campaign(s, inboxId, {
      name: 'Pricing help',
      text: 'Questions about **plans**?',
      senderId: member.id,
      rules: { urlPattern: '*/pricing*', afterSeconds: 20, countries: ['ru', 'RU'] },
    })
    expect(made).toMatchObject({
      inboxId,
      name: 'Pricing help',
      senderId: member.id,
      enabled: true,
      startsAt: null,
      endsAt: null,
      rules: {
        urlPattern: '*/pricing*',
        afterSeconds: 20,
        audience: 'all',
        countries: ['RU'],
        languages: [],
        businessHoursOnly: false,
      },
      shown: 0,
      replied: 0,
    })
    const listed = await ok(s.http(`/api/inboxes/${inboxId}/campaigns`, { token: admin }))
    expect(listed).toEqual({ campaigns: [made], gapMinutes: 60 })

    const post = (body: Record<string, unknown>, token = admin) =>
      refusal(s.http(`/api/admin/inboxes/${inboxId}/campaigns`, { token, body }))
    const base = { name: 'Other', text: 'Hi' }
    for (const bad of [
      { ...base, rules: { countries: ['Russia'] } },
      { ...base, startsAt: 2000, endsAt: 1000 },
      { ...base, text: '   ' },
      { ...base, name: '' },
      { ...base, rules: { urlPattern: '/a b' } },
      { ...base, rules: { afterSeconds: 3601 } },
      { ...base, rules: { audience: 'everyone' } },
      { ...base, rules: { languages: ['de'] } },
      { ...base, senderId: stranger.id },
      { ...base, extra: true },
    ]) {
      expect(await post(bad)).toEqual({ status: 422, code: 'validation_failed' })
    }
    expect(await post({ ...base, name: 'PRICING HELP' })).toEqual({ status: 409, code: 'conflict' })
    expect(await post(base, member.token)).toEqual({ status: 403, code: 'forbidden' })
    expect(await post(base, stranger.token)).toMatchObject({ status: 404 })
    expect(
      (await ok(s.http(`/api/inboxes/${inboxId}/campaigns`, { token: admin }))).campaigns,
    ).toHaveLength(1)

    // A supervisor of the inbox changes it: paused, rules replaced whole, a later end.
    const patched = await ok(
      s.http(`/api/admin/campaigns/${made.id}`, {
        token: supervisor.token,
        method: 'PATCH',
        body: { enabled: false, rules: { languages: ['ru'] }, senderId: null },
      }),
    )
    expect(patched.campaign).toMatchObject({
      enabled: false,
      senderId: null,
      rules: { urlPattern: '', afterSeconds: 0, countries: [], languages: ['ru'] },
    })
    const patch = (body: Record<string, unknown>, token = admin) =>
      refusal(s.http(`/api/admin/campaigns/${made.id}`, { token, method: 'PATCH', body }))
    expect(await patch({})).toEqual({ status: 422, code: 'validation_failed' })
    await ok(
      s.http(`/api/admin/campaigns/${made.id}`, {
        token: admin,
        method: 'PATCH',
        body: { startsAt: 5000 },
      }),
    )
    expect(await patch({ endsAt: 4000 })).toEqual({ status: 422, code: 'validation_failed' })
    expect(await patch({ enabled: true }, member.token)).toEqual({ status: 403, code: 'forbidden' })
    expect(await patch({ enabled: true }, stranger.token)).toMatchObject({ status: 404 })

    // The frequency cap.
    const gap = (gapMinutes: unknown, token = admin) =>
      s.http(`/api/admin/inboxes/${inboxId}/campaign-settings`, {
        token,
        method: 'PUT',
        body: { gapMinutes },
      })
    expect(await refusal(gap(-1))).toEqual({ status: 422, code: 'validation_failed' })
    expect(await refusal(gap(10_081))).toEqual({ status: 422, code: 'validation_failed' })
    expect(await refusal(gap(1.5))).toEqual({ status: 422, code: 'validation_failed' })
    expect(await refusal(gap(5, member.token))).toEqual({ status: 403, code: 'forbidden' })
    expect(await ok(gap(15, supervisor.token))).toEqual({ gapMinutes: 15 })
    expect(
      (await ok(s.http(`/api/inboxes/${inboxId}/campaigns`, { token: admin }))).gapMinutes,
    ).toBe(15)

    // On the audit trail; deleted by an admin.
    const trail = await ok(s.http('/api/admin/audit?action=campaign.updated', { token: admin }))
    expect(trail.entries.length).toBeGreaterThanOrEqual(2)
    expect(
      await refusal(
        s.http(`/api/admin/campaigns/${made.id}`, { token: member.token, method: 'DELETE' }),
      ),
    ).toEqual({ status: 403, code: 'forbidden' })
    expect(
      await ok(s.http(`/api/admin/campaigns/${made.id}`, { token: admin, method: 'DELETE' })),
    ).toEqual({ ok: true })
    expect(
      (await ok(s.http(`/api/inboxes/${inboxId}/campaigns`, { token: admin }))).campaigns,
    ).toEqual([])
    expect(
      await refusal(s.http(`/api/admin/campaigns/${made.id}`, { token: admin, method: 'DELETE' })),
    ).toMatchObject({ status: 404 })
  })
})

describe('campaigns (issue 20): visitors', () => {
  test('campaigns - a page offers what its rules match; each is shown once, one per gap; a reply starts an attributed conversation', async () => {
    const start = Date.parse('2026-12-07T10:00:00Z')
    const clock = new FakeClock(start)
    const s = await u.server({ clock, env: { TRUST_PROXY: '127.0.0.1' } })
    const admin = await s.adminToken()
    const inboxId = await s.defaultInboxId()
    const anna = await s.operator({ inboxIds: [inboxId] })
    await ok(
      s.http(`/api/admin/operators/${anna.id}`, {
        token: admin,
        method: 'PATCH',
        body: { displayName: 'Anna' },
      }),
    )
    const pricing = await campaign(s, inboxId, {
      name: 'Pricing',
      text: 'Need help choosing a plan?',
      senderId: anna.id,
      rules: { urlPattern: '*/PRICING*', afterSeconds: 5 },
    })
    const back = await campaign(s, inboxId, {
      name: 'Welcome back',
      text: 'Good to see you again',
      rules: { audience: 'returning' },
    })
    const russian = await campaign(s, inboxId, {
      name: 'Russian speakers',
      text: 'Здравствуйте!',
      rules: { languages: ['ru'], countries: ['RU'] },
    })
    await campaign(s, inboxId, {
      name: 'Next week',
      text: 'Not yet',
      startsAt: start + 7 * 24 * HOUR,
    })
    await campaign(s, inboxId, { name: 'Paused', text: 'Never', enabled: false })

    // The widget learns there is something to ask for with its availability.
    const availability = await fetch(`${s.url}/api/visitor/availability?inboxId=${inboxId}`)
    expect(((await availability.json()) as { campaigns?: boolean }).campaigns).toBe(true)

    // No session yet: a new visitor; the page, language and country decide.
    expect(await offers(s, inboxId, PRICING)).toEqual([pricing.id])
    expect(await offers(s, inboxId, HOME)).toEqual([])
    expect(await offers(s, inboxId, HOME, { lang: 'ru', address: RU_ADDRESS })).toEqual([
      russian.id,
    ])
    expect(await offers(s, inboxId, HOME, { lang: 'ru', address: US_ADDRESS })).toEqual([])
    expect(await offers(s, inboxId, HOME, { lang: 'en', address: RU_ADDRESS })).toEqual([])
    const full = (await (
      await fetch(
        `${s.url}/api/visitor/campaigns?${new URLSearchParams({ inboxId, url: PRICING })}`,
      )
    ).json()) as { campaigns: unknown[] }
    expect(full.campaigns).toEqual([
      {
        id: pricing.id,
        text: 'Need help choosing a plan?',
        afterSeconds: 5,
        sender: { name: 'Anna', avatarId: null },
      },
    ])
    // Bad queries.
    for (const q of [
      { inboxId, url: 'javascript:alert(1)' } as Record<string, string>,
      { inboxId, url: 'x'.repeat(3000) },
      { inboxId },
      { inboxId, url: HOME, lang: 'de' },
    ]) {
      const res = await fetch(`${s.url}/api/visitor/campaigns?${new URLSearchParams(q)}`)
      expect(res.status).toBe(422)
    }

    // A visitor is shown it once; the showing is recorded before anything shows.
    const visitor = await s.visitorToken()
    expect(await offers(s, inboxId, PRICING, { token: visitor.token })).toEqual([pricing.id])
    expect(await ok(shown(s, visitor.token, pricing.id))).toEqual({ shown: true })
    expect(await refusal(shown(s, visitor.token, pricing.id))).toEqual({
      status: 409,
      code: 'conflict',
    })
    expect(await offers(s, inboxId, PRICING, { token: visitor.token })).toEqual([])
    // Not running, not of this inbox, no token: nothing is recorded.
    const paused = (
      await ok(s.http(`/api/inboxes/${inboxId}/campaigns`, { token: admin }))
    ).campaigns.find((c: any) => c.name === 'Paused')
    const other = await s.visitorToken()
    expect(await refusal(shown(s, other.token, paused.id))).toEqual({
      status: 409,
      code: 'conflict',
    })
    expect(await refusal(shown(s, other.token, 'no-such-campaign'))).toMatchObject({ status: 404 })
    expect((await s.http(`/api/visitor/campaigns/${pricing.id}/shown`, { body: {} })).status).toBe(
      401,
    )

    // Half an hour later the visitor is a returning one, but the inbox's gap (an hour) runs.
    await clock.advance(31 * MINUTE)
    expect(await offers(s, inboxId, HOME, { token: visitor.token })).toEqual([])
    expect(await refusal(shown(s, visitor.token, back.id))).toEqual({
      status: 409,
      code: 'conflict',
    })
    await clock.advance(30 * MINUTE)
    expect(await offers(s, inboxId, HOME, { token: visitor.token })).toEqual([back.id])
    // A new visitor is not returning.
    expect(await offers(s, inboxId, HOME, { token: (await s.visitorToken()).token })).toEqual([])

    // A reply to a campaign not shown, or without a message, is refused and starts nothing.
    expect(await refusal(reply(s, visitor.token, back.id, 'hi'))).toEqual({
      status: 422,
      code: 'validation_failed',
    })
    expect(await refusal(reply(s, visitor.token, pricing.id))).toEqual({
      status: 422,
      code: 'validation_failed',
    })
    expect(await refusal(reply(s, other.token, pricing.id, 'hi'))).toEqual({
      status: 422,
      code: 'validation_failed',
    })
    expect(await s.store.queries.listVisitorConversations(visitor.visitorId)).toEqual([])

    // The reply: the campaign's message first (by the system), then the visitor's, waiting.
    const started = await ok(reply(s, visitor.token, pricing.id, 'Which plan fits 5 people?'), 201)
    const conversation = started.conversation
    expect(conversation).toMatchObject({ campaignId: pricing.id, hasUnansweredIncoming: true })
    const log = await s.store.conversations.eventsAfter(conversation.id, 0, 100)
    const messages = log.flatMap((e) => (e.name === 'message.created' ? [e.data.message] : []))
    expect(messages.map((m) => [m.author, m.text])).toEqual([
      [{ kind: 'system', id: 'campaign' }, 'Need help choosing a plan?'],
      [{ kind: 'visitor', id: visitor.visitorId }, 'Which plan fits 5 people?'],
    ])
    // A retry is the same conversation; operators see where it came from.
    const again = await ok(reply(s, visitor.token, pricing.id, 'Which plan fits 5 people?'), 200)
    expect(again.conversation.id).toBe(conversation.id)
    const seen = await ok(s.http(`/api/conversations/${conversation.id}`, { token: admin }))
    expect(seen.conversation.campaignId).toBe(pricing.id)

    // While it is open, nothing is offered or shown.
    await clock.advance(2 * HOUR)
    expect(await offers(s, inboxId, HOME, { token: visitor.token })).toEqual([])
    expect(await refusal(shown(s, visitor.token, back.id))).toEqual({
      status: 409,
      code: 'conflict',
    })

    // Counts: all time in the list, a range in analytics.
    const list = (await ok(s.http(`/api/inboxes/${inboxId}/campaigns`, { token: admin }))).campaigns
    expect(list.find((c: any) => c.id === pricing.id)).toMatchObject({ shown: 1, replied: 1 })
    expect(list.find((c: any) => c.id === back.id)).toMatchObject({ shown: 0, replied: 0 })
    const range = new URLSearchParams({
      from: String(start - HOUR),
      to: String(start + 24 * HOUR),
      tz: 'Europe/Moscow',
    })
    const analytics = await ok(s.http(`/api/analytics/campaigns?${range}`, { token: admin }))
    expect(analytics).toEqual({
      campaigns: [{ campaignId: pricing.id, inboxId, name: 'Pricing', shown: 1, replied: 1 }],
    })
    const later = new URLSearchParams({
      from: String(start + 24 * HOUR),
      to: String(start + 48 * HOUR),
      tz: 'UTC',
    })
    expect(await ok(s.http(`/api/analytics/campaigns?${later}`, { token: admin }))).toEqual({
      campaigns: [],
    })
    expect((await s.http(`/api/analytics/campaigns?${range}`, { token: anna.token })).status).toBe(
      403,
    )

    // A deleted campaign's conversations keep its id.
    await ok(s.http(`/api/admin/campaigns/${pricing.id}`, { token: admin, method: 'DELETE' }))
    const kept = await ok(s.http(`/api/conversations/${conversation.id}`, { token: admin }))
    expect(kept.conversation.campaignId).toBe(pricing.id)
  })

  test('campaigns - with a gap of 0 different campaigns follow each other; no live campaign, no flag', async () => {
    const clock = new FakeClock(Date.parse('2026-12-07T10:00:00Z'))
    const s = await u.server({ clock })
    const admin = await s.adminToken()
    const inboxId = await s.defaultInboxId()
    const flag = async () =>
      (
        (await (await fetch(`${s.url}/api/visitor/availability?inboxId=${inboxId}`)).json()) as {
          campaigns?: boolean
        }
      ).campaigns
    expect(await flag()).toBe(false)
    await ok(
      s.http(`/api/admin/inboxes/${inboxId}/campaign-settings`, {
        token: admin,
        method: 'PUT',
        body: { gapMinutes: 0 },
      }),
    )
    const a = await campaign(s, inboxId, { name: 'A', text: 'a' })
    const b = await campaign(s, inboxId, { name: 'B', text: 'b', endsAt: clock.now() + HOUR })
    const visitor = await s.visitorToken()
    expect(await offers(s, inboxId, HOME, { token: visitor.token })).toEqual([a.id, b.id])
    await ok(shown(s, visitor.token, a.id))
    expect(await offers(s, inboxId, HOME, { token: visitor.token })).toEqual([b.id])
    await ok(shown(s, visitor.token, b.id))
    expect(await offers(s, inboxId, HOME, { token: visitor.token })).toEqual([])
    // Ended and paused: no flag once this node reads again (it trusts its answer 10 s).
    await ok(
      s.http(`/api/admin/campaigns/${a.id}`, {
        token: admin,
        method: 'PATCH',
        body: { enabled: false },
      }),
    )
    await clock.advance(HOUR)
    expect(await flag()).toBe(false)
  })
})
