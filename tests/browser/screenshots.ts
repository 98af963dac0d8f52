/**
 * Screenshots for the README: `bun tests/browser/screenshots.ts` writes docs/widget-light.png,
 * docs/widget-dark.png, docs/panel-light.png and docs/panel-dark.png. Not a test (so the suite never rewrites
 * tracked files); it drives the same real server, build and browser as the tests. The page
 * follows the system theme (data-theme auto), so switching the emulated color scheme also
 * shows the widget following it live. The conversation carries files: a photo the visitor
 * pasted (a thumbnail) and the invoice the operator attached (a file card).
 */
import { join } from 'node:path'
import sharp from 'sharp'
import { ROOT } from '../../client/build-stamp.ts'
import { startTestServer } from '../helpers/server.ts'
import { TestClient } from '../helpers/ws.ts'
import { pasteImage, pdf, imageLoaded } from './files.ts'
import { connectOperator, ensureClientBuilt, launchBrowser, until, Widget } from './harness.ts'
import { PanelPage } from './panel-page.ts'
import { availabilityShots, branchShots, queueShots, transferShots } from './screenshots-routing.ts'
import { profileShots, visitorShots } from './screenshots-profile.ts'
import { widgetCardShots } from './screenshots-widget.ts'
import { homeShots } from './screenshots-home.ts'
import { appearanceShots, customWidgetShots } from './screenshots-customize.ts'
import { auditShots, captchaShots, dataRequestShots, sitesShots } from './screenshots-trust.ts'
import { workspaceShots } from './screenshots-workspace.ts'
import { webhookShots } from './screenshots-webhooks.ts'
import { tokenShots } from './screenshots-integrations.ts'
import { analyticsShots } from './screenshots-analytics.ts'
import { labelShots } from './screenshots-labels.ts'
import { snoozeShots } from './screenshots-snooze.ts'
import { macroShots } from './screenshots-macros.ts'
import { ruleShots } from './screenshots-rules.ts'
import { followingShots } from './screenshots-following.ts'

ensureClientBuilt()
const server = await startTestServer()
const browser = await launchBrowser()
try {
  const operator = await connectOperator(server)
  const page = await browser.context.newPage()
  await page.emulateMedia({ colorScheme: 'light' })
  await page.goto(`${server.url}/?theme=auto`)
  const widget = new Widget(page)
  await widget.openChat()
  await widget.send('Hi! My order #1042 has not arrived yet 📦')
  const conversationId = await operator.conversation()
  const first = await operator.message(conversationId, 'Hi! My order #1042 has not arrived yet 📦')
  await operator.client.ok({
    type: 'send',
    conversationId,
    clientMsgId: 'shot-1',
    text: 'Sorry about that! It ships **tomorrow morning**.\nTrack it here: https://example.com/track/1042',
  })
  // The visitor pastes a photo of the parcel label; the operator attaches the invoice.
  await pasteImage(widget.input, 'parcel-label.png', await parcelPhoto())
  await widget.frame.locator('.composer .chip[data-status="done"]').waitFor()
  await widget.send('This is the label on the box')
  const photo = await operator.message(conversationId, 'This is the label on the box')
  const invoice = await upload(operator.token, conversationId, 'invoice-1042.pdf', pdf('1042'))
  await operator.client.ok({
    type: 'send',
    conversationId,
    clientMsgId: 'shot-2',
    text: 'Thanks! Here is your invoice.',
    attachmentIds: [invoice],
  })
  await operator.client.ok({ type: 'read', conversationId, seq: photo.seq })
  await widget.send('Great, thank you! 🙏')
  await widget.waitStatus('Great, thank you', 'sent')
  await widget.waitStatus('order #1042', 'read')
  await widget.message('Here is your invoice').locator('a.file-card[href]').waitFor()
  const thumbs = widget.frame.locator('.thumb img')
  await until(() => imageLoaded(thumbs.first()), 'the widget thumbnail')
  await widget.input.fill('Can I change the delivery address?')
  await widget.input.blur()

  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme })
    await widget.frame.locator(theme === 'dark' ? '.pw.dark' : '.pw:not(.dark)').waitFor()
    await operator.client.ok({ type: 'typing', conversationId, on: true })
    await widget.frame.getByText('Operator is typing…').waitFor()
    await page.waitForTimeout(300)
    const path = join(ROOT, 'docs', `widget-${theme}.png`)
    await page.screenshot({ path, clip: { x: 520, y: 0, width: 580, height: 760 } })
    console.log(`wrote ${path}`)
  }
  operator.client.close()

  // The panel: a few more visitors waiting, the first conversation open, the visitor typing.
  for (const text of [
    'Do you ship to Norway?',
    'How do I reset my password?',
    'Is there a discount for students?',
  ]) {
    const visitor = await server.visitorToken()
    const client = await TestClient.connect(server.wsUrl, { token: visitor.token })
    await client.ok({ type: 'start', clientMsgId: text, text })
    client.close()
  }
  const panel = await PanelPage.open(browser.context, server.url, {
    viewport: { width: 1280, height: 760 },
  })
  await panel.page.locator(`.conversation-row[data-conversation-id="${conversationId}"]`).click()
  await panel
    .message('Can I change')
    .waitFor({ timeout: 1000 })
    .catch(() => undefined)
  await panel.message('Great, thank you').waitFor()
  await until(() => imageLoaded(panel.page.locator('.messages .thumb img').first()), 'thumbnail')
  await panel.input.fill('Of course! Which address should we use?')
  for (const theme of ['light', 'dark'] as const) {
    await panel.page.emulateMedia({ colorScheme: theme })
    await widget.input.pressSequentially('x')
    await panel.page.getByText('Visitor is typing…').waitFor()
    await panel.page.waitForTimeout(300)
    const path = join(ROOT, 'docs', `panel-${theme}.png`)
    await panel.page.screenshot({ path })
    console.log(`wrote ${path}`)
  }
  await branchShots(browser, server)
  await availabilityShots(browser)
  await queueShots(browser)
  await transferShots(browser)
  await profileShots(browser)
  await visitorShots(browser)
  await widgetCardShots(browser)
  await homeShots(browser)
  await appearanceShots(browser)
  await sitesShots(browser)
  await auditShots(browser)
  await dataRequestShots(browser)
  await captchaShots(browser)
  await customWidgetShots(browser)
  await workspaceShots(browser)
  await webhookShots(browser)
  await tokenShots(browser)
  await analyticsShots(browser)
  await labelShots(browser)
  await snoozeShots(browser)
  await macroShots(browser)
  await ruleShots(browser)
  await followingShots(browser)
} finally {
  await browser.close()
  await server.stop()
}

/** A picture of a parcel label (drawn, then PNG like a pasted screenshot). */
async function parcelPhoto(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="420">
  <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
    <stop offset="0" stop-color="#d9b382"/><stop offset="1" stop-color="#b88a55"/></linearGradient></defs>
  <rect width="640" height="420" fill="url(#g)"/>
  <rect x="0" y="180" width="640" height="60" fill="#c9a06b" opacity="0.7"/>
  <rect x="150" y="70" width="340" height="250" rx="10" fill="#fbfbf8"/>
  <text x="175" y="120" font-family="sans-serif" font-size="30" font-weight="700" fill="#1f2430">ORDER #1042</text>
  <text x="175" y="160" font-family="sans-serif" font-size="20" fill="#4b5563">To: A. Visitor</text>
  <text x="175" y="190" font-family="sans-serif" font-size="20" fill="#4b5563">12 Harbour Street</text>
  ${Array.from({ length: 36 }, (_, i) => `<rect x="${175 + i * 8}" y="220" width="${i % 3 ? 3 : 5}" height="70" fill="#1f2430"/>`).join('')}
</svg>`
  return await sharp(Buffer.from(svg)).png().toBuffer()
}

/** Uploads a file as the operator; its attachment id. */
async function upload(token: string, conversationId: string, name: string, bytes: Buffer) {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(bytes)]), name)
  const res = await fetch(`${server.url}/api/conversations/${conversationId}/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  })
  const body = (await res.json()) as { attachment: { id: string } }
  return body.attachment.id
}
