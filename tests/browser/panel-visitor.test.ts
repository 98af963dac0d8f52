/**
 * The visitor in the operator's open conversation (identity and context, C10): a visitor who
 * told their name, e-mail, phone and attributes starts from a page (over the socket, as the
 * widget does); the details show all of it as text (the page title linked to its URL, opening
 * apart), the list and the header call them by name, and a page change shows live. Star ratings
 * on the inbox: the operator resolves, the visitor rates 4 with a comment and the thread shows
 * the line; a changed rating replaces it, also after a reload. Thumbs and NPS lines (a score of
 * 0 too), a declined rating and its change. axe-core finds no serious violation, light and
 * dark, desktop and 375 px.
 */
import { describe, expect, test } from 'bun:test'
import { TestClient } from '../helpers/ws.ts'
import { skipBrowserTests, useServerAndBrowser } from './harness.ts'
import { violations } from './axe.ts'
import { PanelPage } from './panel-page.ts'

const PROFILE = {
  name: 'Jane Doe',
  email: 'Jane.Doe@Example.com',
  phone: '+49 (30) 123-4567',
  attributes: {
    plan: 'pro',
    orders: 3,
    vip: true,
    note: '<b>likes</b> <img src=x onerror=alert(1)>',
  },
}
const CONTEXT = {
  url: 'https://shop.example.com/orders/1042?tab=delivery',
  title: 'Order #1042 — Shop',
  referrer: 'https://www.google.com/',
  language: 'de-DE',
  timeZone: 'Europe/Berlin',
}

describe.skipIf(skipBrowserTests)('panel visitor', () => {
  const env = useServerAndBrowser()
  const state = {} as { conversationId: string; visitor: TestClient }

  const api = async (path: string, method = 'GET', body?: unknown) => {
    const res = await env.server.http(path, { method, body, token: await env.server.adminToken() })
    if (res.status >= 300) throw new Error(`${method} ${path}: ${JSON.stringify(res.body)}`)
    return res.body
  }

  /** The admin's panel with the visitor's conversation open. */
  async function openConversation(viewport = { width: 1280, height: 800 }) {
    const panel = await PanelPage.open(env.browser.context, env.server.url, { viewport })
    await panel.page
      .locator(`.conversation-row[data-conversation-id="${state.conversationId}"]`)
      .click()
    await panel.conversationPane.waitFor()
    await panel.message('where is my order').waitFor()
    return panel
  }

  test('visitor - the details show the profile and the page as text, the list calls them by name, a page change shows live', async () => {
    await api(`/api/admin/inboxes/${await env.server.defaultInboxId()}`, 'PATCH', {
      settings: { rating: 'stars' },
    })
    const { token } = await env.server.visitorToken()
    const profile = await env.server.http('/api/visitor/profile', {
      method: 'PATCH',
      token,
      body: PROFILE,
    })
    expect(profile.status).toBe(200)
    const visitor = await TestClient.connect(env.server.wsUrl, { token })
    const started = await visitor.ok({
      type: 'start',
      clientMsgId: 'visitor-1',
      text: 'Hello, where is my order?',
      context: CONTEXT,
    })
    state.conversationId = started.conversation.id
    state.visitor = visitor

    const panel = await openConversation()
    const page = panel.page
    // The header and the list row call the visitor by name.
    await page.locator('.conv-title h2', { hasText: 'Jane Doe' }).waitFor()
    const row = page.locator(`.conversation-row[data-conversation-id="${state.conversationId}"]`)
    expect(await row.locator('.name').innerText()).toBe('Jane Doe')

    expect(await page.getByTestId('visitor-name').innerText()).toBe('Jane Doe')
    const email = page.getByRole('link', { name: 'jane.doe@example.com' })
    expect(await email.getAttribute('href')).toBe('mailto:jane.doe@example.com')
    const phone = page.getByRole('link', { name: PROFILE.phone })
    expect(await phone.getAttribute('href')).toBe('tel:+49301234567')
    // Not signed in through the site's identity check.
    expect(await page.locator('.visitor-sidebar .identified').count()).toBe(0)

    // The sidebar shows on a wide screen.
    const attributes = page.getByTestId('visitor-attributes')
    expect(await attributes.innerText()).toMatch(
      /note\s+<b>likes<\/b> <img src=x onerror=alert\(1\)>\s+orders\s+3\s+plan\s+pro\s+vip\s+yes/,
    )
    // Text, never markup.
    expect(await attributes.locator('b, img').count()).toBe(0)

    const link = page.getByTestId('visitor-context').getByRole('link', { name: CONTEXT.title })
    expect(await link.getAttribute('href')).toBe(CONTEXT.url)
    expect(await link.getAttribute('target')).toBe('_blank')
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer nofollow')
    const context = await page.getByTestId('visitor-context').innerText()
    expect(context).toContain('https://www.google.com/')
    expect(context).toContain('German (Germany), de-DE')
    expect(context).toMatch(/Europe\/Berlin \(now \d{1,2}:\d\d( [AP]M)? there\)/)

    // The visitor goes to another page: the link follows.
    await visitor.ok({
      type: 'page',
      conversationId: state.conversationId,
      url: 'https://shop.example.com/help',
      title: 'Help centre',
    })
    const help = page.getByTestId('visitor-context').getByRole('link', { name: 'Help centre' })
    await help.waitFor()
    expect(await help.getAttribute('href')).toBe('https://shop.example.com/help')
    expect(
      await page.getByTestId('visitor-context').getByRole('link', { name: CONTEXT.title }).count(),
    ).toBe(0)
    // The rest of the context is kept.
    expect(await page.getByTestId('visitor-context').innerText()).toContain('de-DE')
    await page.close()
  }, 60_000)

  test('visitor - resolved, the visitor rates 4 stars with a comment: the line in the thread, replaced when changed', async () => {
    const panel = await openConversation()
    const page = panel.page
    await page.getByRole('button', { name: 'Resolve' }).click()
    await page.locator('.conv-title .pill[data-status="resolved"]').waitFor()
    const rated = await state.visitor.ok({
      type: 'rate',
      conversationId: state.conversationId,
      score: 4,
      comment: 'Great',
    })
    const line = page.locator('.messages .rating-line')
    await line.waitFor()
    expect(await line.getAttribute('data-resolution')).toBe(String(rated.rating.resolutionSeq))
    const text = await line.locator('.sys-text').innerText()
    expect(text).toContain('Visitor rated ★★★★☆ 4/5')
    expect(text).toContain('— “Great”')
    // The line comes after the visitor's message.
    expect(await page.locator('.messages .list > li').last().getAttribute('class')).toContain(
      'rating-line',
    )

    // Changed: one line for the resolution, saying so.
    await state.visitor.ok({ type: 'rate', conversationId: state.conversationId, score: 5 })
    await line.filter({ hasText: 'changed the rating to' }).waitFor()
    expect(await line.count()).toBe(1)
    expect(await line.innerText()).toContain('Visitor changed the rating to ★★★★★ 5/5')
    expect(await line.innerText()).not.toContain('Great')

    // Again after a reload: the subscription's replay brings it.
    await page.reload()
    await page.locator('.messages .rating-line', { hasText: 'changed the rating to' }).waitFor()
    expect(await page.locator('.messages .rating-line').count()).toBe(1)
    state.visitor.close()
    await page.close()
  }, 60_000)

  test('visitor - axe-core finds no serious violation in the details and the thread, light and dark, desktop and 375 px', async () => {
    const problems: string[] = []
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 375, height: 740 },
    ]) {
      const panel = await openConversation(viewport)
      const page = panel.page
      await page.locator('.messages .rating-line').waitFor()
      // A screen of its own on a phone, opened from the header.
      if (viewport.width < 700) {
        expect(await page.locator('.visitor-sidebar').count()).toBe(0)
        await page.getByRole('button', { name: 'Visitor details' }).click()
      }
      await page.getByTestId('visitor-attributes').waitFor()
      for (const theme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: theme })
        for (const v of await violations(page)) problems.push(`${viewport.width}px ${theme}: ${v}`)
      }
      await page.close()
    }
    expect(problems).toEqual([])
  }, 90_000)

  test('visitor - thumbs down, a declined NPS rating and its change: each resolution its line', async () => {
    const inboxId = await env.server.defaultInboxId()
    await api(`/api/admin/inboxes/${inboxId}`, 'PATCH', { settings: { rating: 'thumbs' } })
    const { token } = await env.server.visitorToken()
    const visitor = await TestClient.connect(env.server.wsUrl, { token })
    const started = await visitor.ok({ type: 'start', clientMsgId: 'v-2', text: 'Is it in stock?' })
    const id = started.conversation.id as string
    await api(`/api/conversations/${id}/status`, 'POST', { status: 'resolved' })
    await visitor.ok({ type: 'rate', conversationId: id, score: 0 })

    const panel = await PanelPage.open(env.browser.context, env.server.url)
    const page = panel.page
    await page.locator(`.conversation-row[data-conversation-id="${id}"]`).click()
    const lines = page.locator('.messages .rating-line')
    await lines.first().waitFor()
    expect(await lines.first().innerText()).toContain('Visitor rated 👎')
    await lines.first().getByRole('img', { name: 'thumbs down' }).waitFor()

    // Written to again (reopened), closed, and rated on the NPS scale: a line of its own.
    await api(`/api/admin/inboxes/${inboxId}`, 'PATCH', { settings: { rating: 'nps' } })
    await visitor.ok({ type: 'send', conversationId: id, clientMsgId: 'v-3', text: 'One more' })
    await api(`/api/conversations/${id}/status`, 'POST', { status: 'closed' })
    await visitor.ok({ type: 'rate', conversationId: id, score: null })
    await lines.nth(1).waitFor()
    expect(await lines.nth(1).innerText()).toContain('Visitor declined to rate')
    await visitor.ok({ type: 'rate', conversationId: id, score: 0, comment: 'Changed my mind' })
    await lines.nth(1).filter({ hasText: 'changed the rating to' }).waitFor()
    expect(await lines.count()).toBe(2)
    expect(await lines.nth(1).innerText()).toContain(
      'Visitor changed the rating to 0/10 (NPS) — “Changed my mind”',
    )
    expect(await lines.first().innerText()).toContain('Visitor rated 👎')
    visitor.close()
    await page.close()
  }, 60_000)
})
