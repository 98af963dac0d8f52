/**
 * The help center through the real server (issue 21): authoring (articles, translations,
 * categories, who may write what), revisions (autosave amends, restore), slugs (redirects from
 * former ones, clashes), search (stemming in ru and en, ranking, typo tolerance, hostile
 * queries), the public site without JavaScript (server HTML, former slugs 301, feedback by a
 * plain form) and the widget's JSON calls, and the reading events behind the figures. Runs on
 * SQLite, and on Postgres with PARLEY_TEST_DB=postgres.
 */
import { describe, expect, test } from 'bun:test'
import { MAX_ARTICLE_BODY } from '../../protocol/help.ts'
import { useServers } from '../helpers/lifecycle.ts'
import type { TestServer } from '../helpers/server.ts'

const u = useServers()

type Json = Record<string, any>

async function article(
  s: TestServer,
  token: string,
  body: Record<string, unknown>,
  status = 201,
): Promise<Json> {
  const res = await s.http('/api/help/articles', { token, body })
  expect({ status: res.status, body: res.body }).toMatchObject({ status })
  return res.body
}

async function publish(
  s: TestServer,
  token: string,
  portal: string,
  language: 'en' | 'ru',
  title: string,
  body: string,
  extra: Record<string, unknown> = {},
): Promise<Json> {
  return article(s, token, { portal, language, title, body, status: 'published', ...extra })
}

async function page(s: TestServer, path: string, init: RequestInit = {}) {
  const res = await fetch(s.url + path, { redirect: 'manual', ...init })
  return { status: res.status, headers: res.headers, text: await res.text() }
}

async function search(s: TestServer, inbox: string, language: string, q: string) {
  const res = await s.http(
    `/api/visitor/help/search?inbox=${inbox}&language=${language}&q=${encodeURIComponent(q)}`,
  )
  return res
}

describe('help center - authoring', () => {
  test('help - an admin writes, publishes and translates an article; a supervisor of the inbox edits it; an operator only reads', async () => {
    const s = await u.server()
    const admin = await s.adminToken()
    const inbox = await s.defaultInboxId()
    const draft = await article(s, admin, {
      portal: inbox,
      language: 'en',
      title: 'How do I pay by card?',
      body: '## Steps\n\nOpen **Billing** and choose *Card*.',
    })
    expect(draft).toMatchObject({
      status: 'draft',
      slug: 'how-do-i-pay-by-card',
      revision: 1,
      inboxId: inbox,
      url: null,
      translations: [],
    })
    expect(draft).not.toHaveProperty('titleTerms')

    const ru = await article(s, admin, {
      translationOf: draft.id,
      language: 'ru',
      title: 'Как оплатить картой?',
      body: 'Откройте «Оплата» и выберите карту.',
      status: 'published',
    })
    expect(ru).toMatchObject({ groupId: draft.id, slug: 'как-оплатить-картой', inboxId: inbox })
    // One translation per language.
    const second = await s.http('/api/help/articles', {
      token: admin,
      body: { translationOf: draft.id, language: 'ru', title: 'Ещё', body: 'x' },
    })
    expect(second.status).toBe(409)

    const supervisor = await s.operator({ inboxIds: [inbox], role: 'supervisor' })
    const published = await s.http(`/api/help/articles/${draft.id}`, {
      token: supervisor.token,
      method: 'PATCH',
      body: { fromRevision: 1, status: 'published' },
    })
    expect(published.status).toBe(200)
    expect(published.body).toMatchObject({ status: 'published', revision: 2 })
    expect(published.body.publishedAt).toBeNumber()
    expect(published.body.url).toBe(`/help/${inbox}/en/articles/how-do-i-pay-by-card`)
    expect(published.body.translations).toMatchObject([{ id: ru.id, language: 'ru' }])

    const operator = await s.operator({ inboxIds: [inbox] })
    const read = await s.http(`/api/help/articles/${draft.id}`, { token: operator.token })
    expect(read.status).toBe(200)
    const refused = await s.http(`/api/help/articles/${draft.id}`, {
      token: operator.token,
      method: 'PATCH',
      body: { fromRevision: 2, title: 'Mine now' },
    })
    expect(refused.status).toBe(403)
    const refusedCreate = await s.http('/api/help/articles', {
      token: operator.token,
      body: { portal: inbox, language: 'en', title: 'x', body: 'y' },
    })
    expect(refusedCreate.status).toBe(403)
    // Nothing changed.
    const after = await s.http(`/api/help/articles/${draft.id}`, { token: admin })
    expect(after.body).toMatchObject({ title: 'How do I pay by card?', revision: 2 })
  })

  test("help - another inbox's articles are not found for an operator outside it; its categories cannot hold this inbox's articles", async () => {
    const s = await u.server()
    const admin = await s.adminToken()
    const inbox = await s.defaultInboxId()
    const other = (await s.http('/api/admin/inboxes', { token: admin, body: { name: 'Other' } }))
      .body.id as string
    const theirs = await article(s, admin, {
      portal: other,
      language: 'en',
      title: 'Secret plans',
      body: 'x',
    })
    // An operator of this inbox only.
    const supervisor = await s.operator({ inboxIds: [inbox] })
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const res = await s.http(`/api/help/articles/${theirs.id}`, {
        token: supervisor.token,
        method,
        body: method === 'PATCH' ? { fromRevision: 1, title: 'y' } : undefined,
      })
      expect(res.status).toBe(404)
    }
    const listed = await s.http('/api/help/articles', { token: supervisor.token })
    expect(listed.body.articles.map((a: Json) => a.id)).not.toContain(theirs.id)

    const category = await s.http('/api/help/categories', {
      token: admin,
      body: { portal: other, names: { en: 'Other things' } },
    })
    expect(category.status).toBe(201)
    const wrong = await s.http('/api/help/articles', {
      token: admin,
      body: {
        portal: inbox,
        language: 'en',
        title: 'Misfiled',
        body: 'x',
        categoryId: category.body.id,
      },
    })
    expect(wrong.status).toBe(422)
    expect(wrong.body.error.message).toContain("another inbox's help center")
  })

  test('help - bad input is refused with a typed error and changes nothing', async () => {
    const s = await u.server()
    const admin = await s.adminToken()
    const inbox = await s.defaultInboxId()
    const bad: Array<[Record<string, unknown>, number]> = [
      [{ portal: inbox, language: 'de', title: 'x', body: 'y' }, 422],
      [{ portal: inbox, language: 'en', title: '   ', body: 'y' }, 422],
      [{ portal: inbox, language: 'en', title: 'x', body: 'y', slug: 'Not a slug!' }, 422],
      [{ portal: inbox, language: 'en', title: 'x', body: 'y', slug: 'a--b' }, 422],
      [{ portal: inbox, language: 'en', title: 'x', body: 'y', status: 'live' }, 422],
      [{ portal: inbox, language: 'en', title: 'x', body: 'y'.repeat(MAX_ARTICLE_BODY + 1) }, 422],
      [{ portal: inbox, language: 'en', title: 'x', body: 'y', extra: 1 }, 422],
      [{ language: 'en', title: 'x', body: 'y' }, 422],
      [{ portal: 'nope', language: 'en', title: 'x', body: 'y' }, 404],
    ]
    for (const [body, status] of bad) {
      const res = await s.http('/api/help/articles', { token: admin, body })
      expect({ body, status: res.status }).toEqual({ body, status })
      expect(res.body.error.code).toBeString()
    }
    // 5 MB: refused before it is read whole.
    const huge = await s.http('/api/help/articles', {
      token: admin,
      body: JSON.stringify({ portal: inbox, language: 'en', title: 'x', body: 'y'.repeat(5e6) }),
    })
    expect(huge.status).toBe(413)
    const listed = await s.http('/api/help/articles', { token: admin })
    expect(listed.body.total).toBe(0)
  })
})

describe('help center - revisions and slugs', () => {
  test('help - every save is a revision; an autosave by the same author amends it; a stale save is a conflict; a restore brings an old text back', async () => {
    const s = await u.server()
    const admin = await s.adminToken()
    const inbox = await s.defaultInboxId()
    const a = await article(s, admin, {
      portal: inbox,
      language: 'en',
      title: 'Returns',
      body: 'First text.',
    })
    const save = (body: Record<string, unknown>) =>
      s.http(`/api/help/articles/${a.id}`, { token: admin, method: 'PATCH', body })
    expect((await save({ fromRevision: 1, body: 'Second text.' })).body.revision).toBe(2)
    expect(
      (await save({ fromRevision: 2, body: 'Second text, typed on.', autosave: true })).body
        .revision,
    ).toBe(2)
    expect(
      (await save({ fromRevision: 2, body: 'Second text, typed on more.', autosave: true })).body
        .revision,
    ).toBe(2)
    // Another author's autosave is a revision of its own.
    const other = await s.operator({ role: 'supervisor' })
    const theirs = await s.http(`/api/help/articles/${a.id}`, {
      token: other.token,
      method: 'PATCH',
      body: { fromRevision: 2, body: 'Third text.', autosave: true },
    })
    expect(theirs.body.revision).toBe(3)
    // Made from revision 2, which is no longer the article's.
    const stale = await save({ fromRevision: 2, body: 'Lost?' })
    expect(stale.status).toBe(409)

    const revisions = (await s.http(`/api/help/articles/${a.id}/revisions`, { token: admin })).body
      .revisions as Json[]
    expect(revisions.map((r) => [r.revision, r.body, r.authorId])).toEqual([
      [3, 'Third text.', other.id],
      [2, 'Second text, typed on more.', expect.any(String)],
      [1, 'First text.', expect.any(String)],
    ])

    const restored = await s.http(`/api/help/articles/${a.id}/revisions/1/restore`, {
      token: admin,
      body: { fromRevision: 3 },
    })
    expect(restored.status).toBe(200)
    expect(restored.body).toMatchObject({ body: 'First text.', revision: 4, status: 'draft' })
    const missing = await s.http(`/api/help/articles/${a.id}/revisions/99/restore`, {
      token: admin,
      body: { fromRevision: 4 },
    })
    expect(missing.status).toBe(404)
  })

  test('help - a new slug keeps the old one redirecting (site 301, widget finds it); another article cannot take either; the article may take its old one back', async () => {
    const s = await u.server()
    const admin = await s.adminToken()
    const inbox = await s.defaultInboxId()
    const a = await publish(s, admin, inbox, 'en', 'Shipping times', 'We ship in two days.')
    const moved = await s.http(`/api/help/articles/${a.id}`, {
      token: admin,
      method: 'PATCH',
      body: { fromRevision: 1, slug: 'delivery-times' },
    })
    expect(moved.body.slug).toBe('delivery-times')

    const old = await page(s, `/help/${inbox}/en/articles/shipping-times`)
    expect(old.status).toBe(301)
    expect(old.headers.get('location')).toBe(`/help/${inbox}/en/articles/delivery-times`)
    const widget = await s.http(
      `/api/visitor/help/articles/shipping-times?inbox=${inbox}&language=en`,
    )
    expect(widget.body).toMatchObject({ id: a.id, slug: 'delivery-times' })

    for (const slug of ['shipping-times', 'delivery-times']) {
      const clash = await s.http('/api/help/articles', {
        token: admin,
        body: { portal: inbox, language: 'en', title: 'Other', body: 'x', slug },
      })
      expect(clash.status).toBe(409)
      expect(clash.body.error.message).toContain('slug')
    }
    // A title whose slug is taken gets the next free one.
    const same = await publish(s, admin, inbox, 'en', 'Shipping times', 'Another text.')
    expect(same.slug).toBe('shipping-times-2')

    const back = await s.http(`/api/help/articles/${a.id}`, {
      token: admin,
      method: 'PATCH',
      body: { fromRevision: 2, slug: 'shipping-times' },
    })
    expect(back.status).toBe(200)
    expect((await page(s, `/help/${inbox}/en/articles/shipping-times`)).status).toBe(200)
    const former = await page(s, `/help/${inbox}/en/articles/delivery-times`)
    expect(former.status).toBe(301)
    expect(former.headers.get('location')).toEndWith('/articles/shipping-times')
  })
})

describe('help center - search', () => {
  test('help - Russian and English words are found in other forms (stemming); the title outranks the body; drafts and other inboxes are never found', async () => {
    const s = await u.server()
    const admin = await s.adminToken()
    const inbox = await s.defaultInboxId()
    const other = (await s.http('/api/admin/inboxes', { token: admin, body: { name: 'Other' } }))
      .body.id as string
    const payment = await publish(
      s,
      admin,
      inbox,
      'ru',
      'Оплата заказов картой',
      'Заказы оплачиваются банковскими картами. Платёж проходит сразу.',
    )
    const delivery = await publish(
      s,
      admin,
      inbox,
      'ru',
      'Доставка',
      'Курьер привезёт заказ. Оплата при получении тоже возможна.',
    )
    await article(s, admin, {
      portal: inbox,
      language: 'ru',
      title: 'Черновик про оплату',
      body: 'оплата',
    })
    await publish(s, admin, other, 'ru', 'Оплата в другом ящике', 'оплата')
    const refunds = await publish(
      s,
      admin,
      inbox,
      'en',
      'Refunding an order',
      'Refunds are processed within five days of the returned goods arriving.',
    )

    // "заказа" (genitive) and "оплатой" find "заказов", "оплата": one stem.
    const ru = await search(s, inbox, 'ru', 'оплатой заказа')
    expect(ru.status).toBe(200)
    expect(ru.body.hits.map((h: Json) => h.id)).toEqual([payment.id, delivery.id])
    expect(ru.body.hits[0].url).toBe(
      `/help/${inbox}/ru/articles/${encodeURIComponent(payment.slug)}`,
    )
    // Prefix of the word being typed.
    const typing = await search(s, inbox, 'ru', 'доставк')
    expect(typing.body.hits.map((h: Json) => h.id)).toEqual([delivery.id])
    // English: "refunded" and "processing" find "Refunding", "processed".
    const en = await search(s, inbox, 'en', 'refunded processing')
    expect(en.body.hits.map((h: Json) => h.id)).toEqual([refunds.id])
    expect(en.body.hits[0].snippet).toContain('Refunds')
    // A sentence no article has every word of: the articles with the most of them.
    const sentence = await search(s, inbox, 'en', 'my parcel was returned, when is my refund?')
    expect(sentence.body.hits.map((h: Json) => h.id)).toEqual([refunds.id])
    // Stop words alone do not match everything, and a language sees its own articles.
    expect((await search(s, inbox, 'en', 'оплата')).body.hits).toEqual([])
  })

  test('help - a misspelt short query finds the article and says what it searched for; hostile queries are safe', async () => {
    const s = await u.server()
    const admin = await s.adminToken()
    const inbox = await s.defaultInboxId()
    const a = await publish(
      s,
      admin,
      inbox,
      'en',
      'Password reset',
      'To reset your password, open the sign-in page and choose "Forgot password".',
    )
    const typo = await search(s, inbox, 'en', 'pasword resett ')
    expect(typo.body.hits.map((h: Json) => h.id)).toEqual([a.id])
    expect(typo.body.corrected).toBe('password reset')

    for (const q of [
      '"',
      'NEAR(',
      'a AND OR NOT',
      "'; drop table help_articles; --",
      '*',
      '(:*|&!)',
      '!!!',
      '""""',
    ]) {
      const res = await search(s, inbox, 'en', q)
      expect({ q, status: res.status }).toEqual({ q, status: 200 })
      expect(res.body.hits).toBeArray()
    }
    const long = await search(s, inbox, 'en', 'x'.repeat(10_000))
    expect(long.status).toBe(422)
    expect(long.body.error.code).toBe('validation_failed')
    // Still there, still found.
    expect((await search(s, inbox, 'en', 'password')).body.hits).toHaveLength(1)
  })

  test('help - the operators search (the composer link) sees published articles with their public addresses', async () => {
    const s = await u.server()
    const admin = await s.adminToken()
    const inbox = await s.defaultInboxId()
    const shared = await publish(s, admin, 'shared', 'en', 'Opening hours', 'We open at nine.')
    const operator = await s.operator({ inboxIds: [inbox] })
    const res = await s.http(`/api/help/search?portal=${inbox}&language=en&q=hours`, {
      token: operator.token,
    })
    expect(res.status).toBe(200)
    expect(res.body.hits).toMatchObject([
      { id: shared.id, url: `/help/${inbox}/en/articles/opening-hours` },
    ])
  })
})

describe('help center - the public site', () => {
  test('help - home, category, article and search pages are whole server HTML that needs no script; drafts are 404', async () => {
    const s = await u.server()
    const admin = await s.adminToken()
    const inbox = await s.defaultInboxId()
    const category = await s.http('/api/help/categories', {
      token: admin,
      body: { portal: inbox, names: { en: 'Billing', ru: 'Оплата' } },
    })
    expect(category.status).toBe(201)
    const a = await publish(
      s,
      admin,
      inbox,
      'en',
      'Invoices <b>and</b> receipts',
      '## Where\n\nIn **Billing**.\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))',
      { categoryId: category.body.id },
    )
    const draft = await article(s, admin, {
      portal: inbox,
      language: 'en',
      title: 'Unfinished',
      body: 'x',
    })

    const root = await page(s, '/help', {
      headers: { 'accept-language': 'ru-RU,ru;q=0.9,en;q=0.8' },
    })
    expect(root.status).toBe(302)
    expect(root.headers.get('location')).toBe(`/help/${inbox}/ru`)

    const home = await page(s, `/help/${inbox}/en`)
    expect(home.status).toBe(200)
    expect(home.headers.get('content-type')).toContain('text/html')
    expect(home.headers.get('content-security-policy')).toContain("object-src 'none'")
    expect(home.text).toStartWith('<!doctype html>')
    expect(home.text).toContain('lang="en"')
    expect(home.text).toContain('Billing')
    expect(home.text).toContain(`/help/${inbox}/en/articles/${a.slug}`)
    expect(home.text).not.toContain('Unfinished')

    const cat = await page(s, `/help/${inbox}/en/categories/billing`)
    expect(cat.status).toBe(200)
    expect(cat.text).toContain('Invoices &lt;b&gt;and&lt;/b&gt; receipts')

    const art = await page(s, `/help/${inbox}/en/articles/${a.slug}`)
    expect(art.status).toBe(200)
    expect(art.text).toContain('<h1')
    expect(art.text).toContain('Invoices &lt;b&gt;and&lt;/b&gt; receipts')
    expect(art.text).toContain('<h2 id="where"')
    expect(art.text).not.toContain('<script>alert')
    expect(art.text).not.toContain('javascript:')
    expect(art.text).toContain('method="post"')

    expect((await page(s, `/help/${inbox}/en/articles/${draft.slug}`)).status).toBe(404)
    expect((await page(s, `/help/${inbox}/de`)).status).toBe(404)
    expect((await page(s, `/help/no-such-inbox/en`)).status).toBe(404)

    const found = await page(s, `/help/${inbox}/en/search?q=${encodeURIComponent('invoice')}`)
    expect(found.status).toBe(200)
    expect(found.text).toContain(`/articles/${a.slug}`)
    const hostile = await page(
      s,
      `/help/${inbox}/en/search?q=${encodeURIComponent('<script>x</script>')}`,
    )
    expect(hostile.status).toBe(200)
    expect(hostile.text).not.toContain('<script>x</script>')
  })

  test('help - feedback by a plain form counts on the article; views and searches (with and without results) are recorded', async () => {
    const s = await u.server()
    const admin = await s.adminToken()
    const inbox = await s.defaultInboxId()
    const a = await publish(s, admin, inbox, 'en', 'Gift cards', 'Gift cards never expire.')
    const base = `/help/${inbox}/en/articles/${a.slug}`
    expect((await page(s, base)).status).toBe(200)
    const voted = await page(s, `${base}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'helpful=no&comment=' + encodeURIComponent('Which shops take them?'),
    })
    expect(voted.status).toBe(303)
    expect(voted.headers.get('location')).toBe(`${base}?feedback=not_helpful`)
    const thanks = await page(s, `${base}?feedback=not_helpful`)
    expect(thanks.status).toBe(200)
    const bad = await page(s, `${base}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'helpful=maybe',
    })
    expect(bad.status).toBe(422)

    await search(s, inbox, 'en', 'gift')
    await search(s, inbox, 'en', 'teleport')
    const after = await s.http(`/api/help/articles/${a.id}`, { token: admin })
    expect(after.body).toMatchObject({ helpful: 0, notHelpful: 1 })
    // Events are written behind the answer: wait (bounded) for them.
    const deadline = Date.now() + 5000
    let views = 0
    while (Date.now() < deadline) {
      views = (await s.http(`/api/help/articles/${a.id}`, { token: admin })).body.views
      if (views >= 1) break
      await Bun.sleep(20)
    }
    expect(views).toBe(1)
    const figures = await eventually(s, admin, inbox, (f) => f.searches >= 2)
    expect(figures).toMatchObject({
      views: 1,
      searches: 2,
      emptySearches: 1,
      emptyQueries: [{ query: 'teleport', count: 1 }],
      topArticles: [{ id: a.id, title: 'Gift cards', views: 1 }],
      helpful: 0,
      notHelpful: 1,
    })
  })

  test('help - deflection: of the visitors who searched from the widget, those who started a conversation within a day; an operator may not read the figures', async () => {
    const s = await u.server()
    const admin = await s.adminToken()
    const inbox = await s.defaultInboxId()
    await publish(s, admin, inbox, 'en', 'Gift cards', 'Gift cards never expire.')
    const helped = await s.visitorToken(inbox)
    const stuck = await s.visitorToken(inbox)
    for (const v of [helped, stuck]) {
      const res = await fetch(
        `${s.url}/api/visitor/help/search?inbox=${inbox}&language=en&q=gift`,
        { headers: { authorization: `Bearer ${v.token}` } },
      )
      expect(res.status).toBe(200)
    }
    // Typing suggestions are not searches.
    await s.http(`/api/visitor/help/search?inbox=${inbox}&language=en&q=gi&record=false`)
    const started = await s.http('/api/visitor/conversations', {
      token: stuck.token,
      body: { clientMsgId: 'c1', text: 'The card does not work' },
    })
    expect(started.status).toBeLessThan(300)
    const figures = await eventually(s, admin, inbox, (f) => f.helpedVisitors >= 2)
    expect(figures).toMatchObject({ searches: 2, helpedVisitors: 2, followedByConversation: 1 })
    const operator = await s.operator({ inboxIds: [inbox] })
    const refused = await s.http(`/api/help/figures?portal=${inbox}`, { token: operator.token })
    expect(refused.status).toBe(403)
  })
})

/** The figures once `ready` holds (events are written behind the answers; bounded). */
async function eventually(
  s: TestServer,
  token: string,
  inbox: string,
  ready: (figures: Json) => boolean,
): Promise<Json> {
  const deadline = Date.now() + 5000
  for (;;) {
    const res = await s.http(`/api/help/figures?portal=${inbox}`, { token })
    expect(res.status).toBe(200)
    if (ready(res.body) || Date.now() > deadline) return res.body
    await Bun.sleep(20)
  }
}
