import { describe, expect, test } from 'bun:test'
import { type TestServer } from '../helpers/server.ts'
import { TestClient } from '../helpers/ws.ts'
import { skipBrowserTests, until, useServerAndBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

/** Visitors may start 5 conversations in a burst: several visitors open `n` between them. */
async function startConversations(server: TestServer, n: number): Promise<string[]> {
  const ids: string[] = []
  while (ids.length < n) {
    const visitor = await server.visitorToken()
    const client = await TestClient.connect(server.wsUrl, { token: visitor.token })
    for (let i = 0; i < 5 && ids.length < n; i++) {
      const ack = await client.ok({
        type: 'start',
        clientMsgId: `c${i}`,
        text: `Chat ${ids.length}`,
      })
      ids.push(ack.conversation.id as string)
    }
    client.close()
  }
  return ids
}

describe.skipIf(skipBrowserTests)('panel scrolling', () => {
  const env = useServerAndBrowser()

  test('panel - the inbox list loads the next page (cursor) when scrolled to the end', async () => {
    await startConversations(env.server, 35)
    const panel = await PanelPage.open(env.browser.context, env.server.url)
    // The list is windowed: the rows say their place and the list's size (-1: more to load).
    const last = panel.page.locator('.row-item').last()
    await until(async () => (await last.getAttribute('aria-setsize')) === '-1', 'the first page')
    // Every conversation once, in the order of the list, collected while scrolling down.
    const seen: string[] = []
    await until(
      async () => {
        const rows = await panel.page.locator('.row-item').evaluateAll((items) =>
          items.map((li) => ({
            at: Number(li.getAttribute('aria-posinset')),
            id: li.querySelector('.conversation-row')?.getAttribute('data-conversation-id') ?? '',
          })),
        )
        for (const r of rows) seen[r.at - 1] = r.id
        await panel.page.locator('.conversations').evaluate((el) => el.scrollBy(0, 300))
        return (
          (await last.getAttribute('aria-setsize')) === '35' && seen.filter(Boolean).length === 35
        )
      },
      'the second page',
      20_000,
    )
    expect(new Set(seen).size).toBe(35)
    await panel.page.close()
  }, 60_000)

  test('panel - the conversation history pages in older messages when scrolled to the top', async () => {
    const [id] = await startConversations(env.server, 1)
    const token = await env.server.adminToken()
    for (let i = 1; i <= 40; i++) {
      await env.server.http(`/api/conversations/${id}/messages`, {
        token,
        body: { clientMsgId: `h${i}`, text: `History ${i}` },
      })
    }
    const panel = await PanelPage.open(env.browser.context, env.server.url)
    await panel.page.locator(`.conversation-row[data-conversation-id="${id}"]`).click()
    await panel.message('History 40').waitFor()
    const rows = panel.page.locator('.messages .row')
    expect(await rows.count()).toBe(30)
    await until(async () => {
      await panel.page.locator('.messages').evaluate((el) => el.scrollTo(0, 0))
      return (await rows.count()) === 41
    }, 'older messages')
    const texts = await panel.texts()
    expect(texts[0]).toBe('Chat 0')
    expect(texts.filter((t) => t === 'History 1')).toHaveLength(1)
    await panel.page.close()
  }, 60_000)
})
