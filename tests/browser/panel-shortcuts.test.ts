/**
 * Keyboard shortcuts of the inbox and the live region (issue 16): j/k move through the list in
 * its order, r and n focus the composer in reply or note mode, a assigns to me, e resolves,
 * / goes to search, ? lists the shortcuts in a dialog; none of them fires while typing. New
 * conversations are said in the polite live region.
 */
import { describe, expect, test } from 'bun:test'
import { TestClient } from '../helpers/ws.ts'
import { violations } from './axe.ts'
import { skipBrowserTests, until, useServerAndBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

describe.skipIf(skipBrowserTests)('panel shortcuts', () => {
  const env = useServerAndBrowser()

  async function start(text: string) {
    const visitor = await env.server.visitorToken()
    const client = await TestClient.connect(env.server.wsUrl, { token: visitor.token })
    const started = await client.ok({ type: 'start', clientMsgId: text, text })
    client.close()
    return started.conversation.id as string
  }

  test('shortcuts - j/k, r, n, a, e, / and ? work from the keyboard, never while typing', async () => {
    const first = await start('First question')
    const second = await start('Second question')
    const panel = await PanelPage.open(env.browser.context, env.server.url)
    const page = panel.page
    await panel.rows.nth(1).waitFor()
    const order = await panel.rows.evaluateAll((rows) =>
      rows.map((r) => r.getAttribute('data-conversation-id')),
    )
    expect(new Set(order.slice(0, 2))).toEqual(new Set([first, second]))
    const current = () =>
      page.locator('.conversation-row[aria-current="true"]').getAttribute('data-conversation-id')

    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    await page.keyboard.press('j')
    await until(async () => (await current()) === order[0], 'j opens the first row')
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    await page.keyboard.press('j')
    await until(async () => (await current()) === order[1], 'j opens the next row')
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    await page.keyboard.press('k')
    await until(async () => (await current()) === order[0], 'k goes back')

    // r: the composer, in reply mode; typing there is text, not shortcuts.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    await page.keyboard.press('r')
    await until(
      async () => page.evaluate(() => document.activeElement?.tagName === 'TEXTAREA'),
      'r focuses the composer',
    )
    await page.keyboard.type('jk e?')
    expect(await page.locator('.composer textarea').inputValue()).toBe('jk e?')
    expect(await current()).toBe(order[0] ?? null)
    expect(await page.getByRole('dialog').count()).toBe(0)
    await page.locator('.composer textarea').fill('')

    // n: note mode. Escape-free: blur, then n.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    await page.keyboard.press('n')
    await until(
      async () => (await page.getByRole('radio', { name: 'Note' }).isChecked()) === true,
      'n switches to a note',
    )
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA')
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    await page.keyboard.press('r')
    await until(
      async () => (await page.getByRole('radio', { name: 'Reply' }).isChecked()) === true,
      'r switches back to a reply',
    )

    // Alt+Down moves even from inside the composer.
    await page.keyboard.press('Alt+ArrowDown')
    await until(async () => (await current()) === order[1], 'Alt+Down from the composer')

    // a: assign to me (release first, so there is something to do); e: resolve.
    const id = order[1] as string
    const admin = await env.server.adminToken()
    await env.server.http(`/api/conversations/${id}/assign`, {
      token: admin,
      body: { operatorId: null },
    })
    const assignee = async () =>
      (await env.server.http(`/api/conversations/${id}`, { token: admin })).body.conversation
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    await page.keyboard.press('a')
    const me = (await env.server.http('/api/auth/me', { token: admin })).body.operator.id
    await until(async () => (await assignee()).assigneeId === me, 'a assigns to me')
    await page.keyboard.press('e')
    await until(async () => (await assignee()).status === 'resolved', 'e resolves')

    // /: search.
    await page.keyboard.press('/')
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).type)).toBe(
      'search',
    )
    await page.keyboard.press('Escape')
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())

    // ?: the list of shortcuts, a dialog that takes the keyboard; Escape closes it.
    await page.keyboard.press('?')
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
    await help.waitFor()
    expect(await help.getByText('Next conversation').count()).toBe(1)
    expect(await violations(page)).toEqual([])
    await page.keyboard.press('j')
    expect(await current()).toBe(order[1] ?? null)
    await page.keyboard.press('Escape')
    await help.waitFor({ state: 'detached' })
    await page.close()
  })

  test('live region - a new conversation is announced politely by the visitor name', async () => {
    const panel = await PanelPage.open(env.browser.context, env.server.url)
    const region = panel.page.getByTestId('announcer')
    expect(await region.getAttribute('aria-live')).toBe('polite')
    const visitor = await env.server.visitorToken()
    await env.server.http('/api/visitor/profile', {
      method: 'PATCH',
      token: visitor.token,
      body: { name: 'Greta Lind' },
    })
    const client = await TestClient.connect(env.server.wsUrl, { token: visitor.token })
    await client.ok({ type: 'start', text: 'Hello there' })
    client.close()
    await until(
      async () => ((await region.textContent()) ?? '').includes('New conversation from Greta Lind'),
      'the announcement',
    )
    await panel.page.close()
  })
})
