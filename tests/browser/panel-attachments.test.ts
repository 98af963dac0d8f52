/**
 * Files from the panel: a PDF dropped onto the conversation goes out with the reply, the
 * visitor sees its card and downloads the same bytes; a deleted message's file is gone from
 * both sides and from the server.
 */
import { beforeAll, describe, expect, test } from 'bun:test'
import { connectOperator, skipBrowserTests, useServerAndBrowser, Widget } from './harness.ts'
import { dropFile, pdf } from './files.ts'
import { PanelPage } from './panel-page.ts'

describe.skipIf(skipBrowserTests)('panel attachments', () => {
  const env = useServerAndBrowser()
  // Someone is there: the widget offers the composer, not the leave-a-request form.
  beforeAll(async () => {
    await connectOperator(env.server)
  })

  test('panel - a dropped PDF reaches the visitor as a card that downloads the same bytes; deleted, it is gone', async () => {
    const widget = await Widget.open(env.browser.context, `${env.server.url}/`)
    await widget.openChat()
    await widget.send('Could you send me the invoice?')
    await widget.waitStatus('send me the invoice', 'sent')

    const panel = await PanelPage.open(env.browser.context, env.server.url)
    await panel.rows.first().click()
    await panel.message('send me the invoice').waitFor()

    const invoice = pdf('invoice 1042')
    await dropFile(panel.conversationPane, 'invoice-1042.pdf', 'application/pdf', invoice)
    const chip = panel.page.locator('.composer .chip')
    await chip.and(panel.page.locator('[data-status="done"]')).waitFor()
    expect(await chip.innerText()).toContain('invoice-1042.pdf')
    await panel.send('Here it is')
    await chip.waitFor({ state: 'detached' })
    await panel.page.locator('.messages .row[data-message-id] .file-card').waitFor()

    // The visitor: a card with the name and size that downloads the very same bytes.
    const card = widget.message('Here it is').locator('a.file-card')
    await card.waitFor()
    expect(await card.innerText()).toContain('invoice-1042.pdf')
    expect(await card.innerText()).toContain(`${invoice.length} B`)
    await widget.frame
      .getByRole('link', { name: `Download invoice-1042.pdf ${invoice.length} B` })
      .waitFor()
    await widget.frame.locator(`a.file-card[href*="/attachments/"]`).waitFor()
    const href = (await card.getAttribute('href')) as string
    const res = await fetch(href)
    expect(res.status).toBe(200)
    expect(Buffer.from(await res.arrayBuffer()).equals(invoice)).toBe(true)

    // Sent while the visitor is away (unread, so the operator may still delete it).
    await widget.launcher.click()
    await widget.input.waitFor({ state: 'detached' })
    const second = pdf('invoice 1043, wrong one')
    await dropFile(panel.conversationPane, 'invoice-1043.pdf', 'application/pdf', second)
    await chip.and(panel.page.locator('[data-status="done"]')).waitFor()
    await panel.input.press('Enter')
    const row = panel.page.locator('.messages .row[data-message-id]', {
      has: panel.page.locator('.file-card', { hasText: 'invoice-1043.pdf' }),
    })
    const opCard = row.locator('a.file-card[href*="/attachments/"]')
    await opCard.waitFor()
    const secondHref = (await opCard.getAttribute('href')) as string
    expect((await fetch(secondHref)).status).toBe(200)
    await row.hover()
    await row.getByRole('button', { name: 'Delete' }).click()
    await panel.page.locator('.messages .row em', { hasText: 'Message deleted' }).waitFor()
    expect(await panel.page.locator('.file-card', { hasText: 'invoice-1043.pdf' }).count()).toBe(0)
    expect((await fetch(secondHref)).status).toBe(404)

    await widget.openChat()
    await widget.frame.locator('.list .row em', { hasText: 'Message deleted' }).waitFor()
    expect(await widget.frame.locator('.file-card').count()).toBe(1)
    expect(await widget.frame.locator('.file-card', { hasText: 'invoice-1043' }).count()).toBe(0)
    await panel.page.close()
    await widget.page.close()
  }, 60_000)
})
