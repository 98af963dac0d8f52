/**
 * Who answers, as the visitor sees it (docs/protocol.md 13.3, 13.7): online, the widget says how
 * fast the team typically replies (the server's median first response of the branch, shown only
 * when the server knows one); the operator who joins and answers shows their picture beside
 * their name (the header, the "joined" line, the author of their replies), or their initials
 * on a badge readable in both themes when they have none. No serious axe-core violation, light
 * and dark, desktop and 375 px.
 *
 * Real clock: operators answer within seconds, so the median rounds up to 1 minute. Each test
 * has its own server (the typical reply time is kept a minute per branch); one browser for the
 * file.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Frame, Locator } from 'playwright-core'
import sharp from 'sharp'
import { httpStart } from '../helpers/http.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { imageLoaded } from './files.ts'
import {
  connectOperator,
  ensureClientBuilt,
  launchBrowser,
  skipBrowserTests,
  until,
  Widget,
  type TestBrowser,
} from './harness.ts'
import { violations } from './axe.ts'

/** axe in both themes (the page follows the system theme: theme=auto). */
async function violationsLightAndDark(widget: Widget, width: string): Promise<string[]> {
  const frame = widget.page.frames().find((f) => f.url().includes('/widget/'))
  if (!frame) throw new Error('no widget frame')
  const problems: string[] = []
  for (const theme of ['light', 'dark'] as const) {
    await widget.page.emulateMedia({ colorScheme: theme })
    await widget.frame.locator(theme === 'dark' ? '.pw.dark' : '.pw:not(.dark)').waitFor()
    for (const v of await violations(frame)) problems.push(`${width} ${theme}: ${v}`)
  }
  return problems
}

/** The contrast ratio of an element's text colour on its own (opaque) background. */
function contrast(el: Locator): Promise<number> {
  return el.evaluate((node) => {
    const style = getComputedStyle(node)
    const luminance = (color: string) => {
      const [r, g, b] = (color.match(/[\d.]+/g) ?? []).slice(0, 3).map((x) => {
        const c = Number(x) / 255
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
      }) as [number, number, number]
      return 0.2126 * r + 0.7152 * g + 0.0722 * b
    }
    const [a, b] = [luminance(style.color), luminance(style.backgroundColor)]
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)
  })
}

/** The initials a face draws (CSS generated content), or "" when it shows a picture. */
const drawn = (face: Locator) =>
  face.evaluate((el) => getComputedStyle(el, '::before').content.replace(/^"|"$/g, ''))

/** A real JPEG (as a phone makes), for PUT /api/me/avatar. */
async function photo(): Promise<Uint8Array> {
  const jpeg = await sharp({
    create: { width: 640, height: 480, channels: 3, background: { r: 200, g: 80, b: 40 } },
  })
    .jpeg()
    .toBuffer()
  return new Uint8Array(jpeg)
}

async function uploadAvatar(s: TestServer, token: string): Promise<string> {
  const form = new FormData()
  form.append('file', new File([(await photo()) as BlobPart], 'me.jpg', { type: 'image/jpeg' }))
  const res = await fetch(`${s.url}/api/me/avatar`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  })
  const body = (await res.json()) as { avatarId: string }
  expect(res.status).toBe(200)
  return body.avatarId
}

/** An operator of the default inbox on its WS tab, named `name` to visitors. */
async function namedOperator(s: TestServer, name: string) {
  const operator = await connectOperator(s)
  const named = await s.http('/api/me/profile', {
    method: 'PATCH',
    token: operator.token,
    body: { displayName: name },
  })
  expect(named.status).toBe(200)
  return operator
}

type Operator = Awaited<ReturnType<typeof connectOperator>>

/**
 * Conversations answered by the operator as visitors see it happen: each visitor writes over
 * HTTP, the conversation is routed to the operator, who answers on their tab and resolves it.
 */
async function answered(s: TestServer, operator: Operator, count: number) {
  const token = await s.adminToken()
  for (let i = 0; i < count; i++) {
    const c = await httpStart(s, undefined, `Question number ${i + 1}`)
    await until(
      async () =>
        (await s.http(`/api/conversations/${c.id}`, { token })).body.conversation.assigneeId ===
        operator.id,
      `conversation ${i + 1} to go to the operator`,
    )
    await operator.client.ok({ type: 'subscribe', conversationId: c.id, afterSeq: 0 })
    await operator.client.ok({
      type: 'send',
      conversationId: c.id,
      clientMsgId: `answer-${i}`,
      text: `Answer number ${i + 1}`,
    })
    await operator.client.ok({ type: 'set_status', conversationId: c.id, status: 'resolved' })
  }
}

describe.skipIf(skipBrowserTests)('widget: who answers', () => {
  let browser: TestBrowser
  const servers: TestServer[] = []
  const server = async () => {
    const s = await startTestServer()
    servers.push(s)
    return s
  }
  beforeAll(async () => {
    ensureClientBuilt()
    browser = await launchBrowser()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    for (const s of servers) await s.stop()
  })

  test('who answers - after 3 answered conversations "Typically replies in ~1 min", in Russian "Обычно отвечаем за ~1 мин"; axe light and dark, desktop and 375 px', async () => {
    const t = await server()
    const anna = await namedOperator(t, 'Anna')
    await answered(t, anna, 3)
    // Asked only now: the server keeps a branch's typical reply time for a minute.
    const answer = await t.http(`/api/visitor/availability?inboxId=${await t.defaultInboxId()}`)
    expect(answer.body).toMatchObject({ state: 'online', typicalReplyMinutes: 1 })

    const page = await browser.context.newPage()
    await page.emulateMedia({ colorScheme: 'light' })
    await page.goto(`${t.url}/?theme=auto`)
    const widget = new Widget(page)
    await widget.openChat()
    const status = widget.frame.locator('.status')
    const line = widget.frame.locator('.status .reply-time')
    await line.waitFor()
    expect(await status.getAttribute('data-state')).toBe('online')
    // A line of its own under "Online"; read out after a comma.
    expect(await status.textContent()).toBe('Online, Typically replies in ~1\u00a0min')
    expect(await line.locator('.sr-only').textContent()).toBe(', ')
    expect(await line.innerText()).toContain('Typically replies in ~1\u00a0min')
    expect(await status.getAttribute('aria-live')).toBe('polite')
    expect(await violationsLightAndDark(widget, 'desktop')).toEqual([])
    await page.close()

    const phone = await browser.context.newPage()
    await phone.setViewportSize({ width: 375, height: 740 })
    await phone.emulateMedia({ colorScheme: 'dark' })
    await phone.goto(`${t.url}/?theme=auto&lang=ru`)
    const ru = new Widget(phone)
    await ru.openChat()
    await ru.frame.locator('.pw.dark.compact').waitFor()
    const ruLine = ru.frame.locator('.status .reply-time')
    await ruLine.waitFor()
    expect(await ru.frame.locator('.status').textContent()).toBe(
      'В сети, Обычно отвечаем за ~1\u00a0мин',
    )
    const fits = await ru.frame
      .locator('.header')
      .evaluate((el) => el.scrollWidth <= el.clientWidth)
    expect(fits).toBe(true)
    expect(await violationsLightAndDark(ru, '375 px')).toEqual([])
    await phone.close()
    anna.client.close()
  }, 90_000)

  test('who answers - an operator with a picture shows it beside her name (header, joined line, replies); one without shows his initials; axe light and dark, desktop and 375 px', async () => {
    const s = await server()
    const anna = await namedOperator(s, 'Anna')
    const avatarId = await uploadAvatar(s, anna.token)

    const page = await browser.context.newPage()
    const problems: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text())
    })
    await page.emulateMedia({ colorScheme: 'light' })
    await page.goto(`${s.url}/?theme=auto`)
    const widget = new Widget(page)
    await widget.openChat()
    await widget.send('Where is my order #1042?')
    const conversationId = await anna.conversation()
    await anna.message(conversationId, 'Where is my order #1042?')
    await anna.client.ok({
      type: 'send',
      conversationId,
      clientMsgId: 'anna-1',
      text: 'It left the warehouse today',
    })

    // Her picture, wherever she is named: the URL the widget builds for its other calls.
    const joined = widget.frame.locator('.list .joined').first()
    await until(
      async () => (await joined.innerText()) === 'Anna joined the conversation',
      'the named join line',
    )
    const reply = widget.message('left the warehouse')
    await until(async () => (await reply.locator('.author').innerText()) === 'Anna', 'her name')
    await until(
      async () => (await widget.frame.locator('.title').innerText()) === 'Anna from Support',
      'the title to name her',
    )
    const pictures = [
      widget.frame.locator('.header .avatar .face img'),
      joined.locator('.face img'),
      reply.locator('.author .face img'),
    ]
    for (const img of pictures) {
      await until(
        () => imageLoaded(img).catch(() => false),
        `her picture to load in ${img} (the browser said: ${problems.join('; ') || 'nothing'})`,
      )
      expect(await img.getAttribute('src')).toBe(`${s.url}/api/avatars/${avatarId}`)
      expect(await img.getAttribute('alt')).toBe('')
      expect(await drawn(img.locator('xpath=..'))).toBe('none')
    }
    // Decoration beside the name: screen readers hear the name once.
    expect(await reply.locator('.author').textContent()).toBe('Anna')
    expect(await joined.locator('.face').getAttribute('aria-hidden')).toBe('true')

    // She hands the conversation to Boris, who has no picture: his initials.
    const boris = await namedOperator(s, 'Boris Ivanov')
    await anna.client.ok({ type: 'transfer', conversationId, to: { operatorId: boris.id } })
    await boris.client.ok({ type: 'subscribe', conversationId, afterSeq: 0 })
    await boris.client.ok({
      type: 'send',
      conversationId,
      clientMsgId: 'boris-1',
      text: 'Hello, Boris here: it arrives on Friday',
    })
    const borisJoined = widget.frame.locator('.list .joined').nth(1)
    await until(
      async () =>
        (await borisJoined.innerText().catch(() => '')) === 'Boris Ivanov joined the conversation',
      'his join line',
    )
    const borisReply = widget.message('Boris here')
    await until(
      async () => (await borisReply.locator('.author').innerText()) === 'Boris Ivanov',
      'his name on his reply',
    )
    await until(
      async () =>
        (await widget.frame.locator('.title').innerText()) === 'Boris Ivanov from Support',
      'the title to name him',
    )
    const badges = [
      widget.frame.locator('.header .avatar .face'),
      borisJoined.locator('.face'),
      borisReply.locator('.author .face'),
    ]
    for (const face of badges) {
      expect(await face.getAttribute('data-initials')).toBe('BI')
      expect(await face.locator('img').count()).toBe(0)
      expect(await drawn(face)).toBe('BI')
    }
    expect(await borisReply.locator('.author').textContent()).toBe('Boris Ivanov')
    // Anna's earlier lines keep her picture.
    expect(await imageLoaded(reply.locator('.author .face img'))).toBe(true)

    // Initials readable (4.5:1 for small text) in both themes, in the header and the thread.
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme })
      await widget.frame.locator(theme === 'dark' ? '.pw.dark' : '.pw:not(.dark)').waitFor()
      for (const face of badges) expect(await contrast(face)).toBeGreaterThanOrEqual(4.5)
    }
    // Online, but one answered conversation is no typical reply time: nothing is claimed.
    expect(await widget.frame.locator('.status').innerText()).toBe('Online')
    expect(await widget.frame.locator('.reply-time').count()).toBe(0)
    for (const claim of ['few minutes', 'Typically', 'replies in']) {
      expect(await widget.frame.getByText(claim).count()).toBe(0)
    }

    expect(await violationsLightAndDark(widget, 'desktop')).toEqual([])
    await page.setViewportSize({ width: 375, height: 740 })
    await widget.frame.locator('.pw.compact').waitFor()
    const fits = await widget.frame
      .locator('.window')
      .evaluate((el) => el.scrollWidth <= el.clientWidth)
    expect(fits).toBe(true)
    expect(await violationsLightAndDark(widget, '375 px')).toEqual([])
    anna.client.close()
    boris.client.close()
    await page.close()
  }, 90_000)
})
