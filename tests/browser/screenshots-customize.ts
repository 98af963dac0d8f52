/**
 * Screenshots of the widget's customization for the README (run by tests/browser/screenshots.ts):
 * docs/panel-appearance.png (an inbox's appearance settings with the live preview, the accent
 * being typed, and the embed snippet below) and docs/panel-appearance-375-dark.png (the same on
 * a phone, dark, the preview in Russian). A server of its own.
 *
 * And the widget as an inbox customized it: docs/widget-custom.png (left corner, a teal accent,
 * an operator's Markdown reply under the emoji picker), docs/widget-custom-launcher.png (the
 * closed launcher with its label on the left) and
 * docs/widget-custom-375-dark.png (a phone, dark, Russian: the reply's list, emphasis and quote).
 * Emoji show as emoji only where Chromium has a color emoji font (Debian: fonts-noto-color-emoji).

 */
import { join } from 'node:path'
import { ROOT } from '../../client/build-stamp.ts'
import { startTestServer } from '../helpers/server.ts'
import { connectOperator, Widget, type TestBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

export async function appearanceShots(browser: TestBrowser): Promise<void> {
  const server = await startTestServer()
  try {
    for (const shot of [
      { file: 'panel-appearance.png', viewport: { width: 1280, height: 900 }, dark: false },
      { file: 'panel-appearance-375-dark.png', viewport: { width: 375, height: 800 }, dark: true },
    ]) {
      const { page } = await PanelPage.open(browser.context, server.url, {
        viewport: shot.viewport,
      })
      await page.emulateMedia({ colorScheme: shot.dark ? 'dark' : 'light' })
      await page.getByRole('button', { name: 'Settings' }).click()
      const appearance = page.getByRole('group', { name: 'Widget appearance' }).first()
      await appearance.waitFor()
      const title = appearance.getByRole('group', { name: /^Title/ })
      await title.getByLabel('English').fill('Acme support')
      await title.getByLabel('Russian').fill('Поддержка Acme')
      const label = appearance.getByRole('group', { name: /^Launcher label/ })
      await label.getByLabel('English').fill('Chat with us')
      await label.getByLabel('Russian').fill('Напишите нам')
      const accent = appearance.getByLabel('Accent color', { exact: true })
      await accent.fill('#0f766e')
      await appearance.getByLabel('Bottom left').check()
      if (shot.dark) {
        await appearance.getByRole('button', { name: 'Show in Russian' }).click()
        await appearance.getByRole('button', { name: 'Dark theme' }).click()
      }
      // The phone shows the preview (below the fields there), the desktop the whole section.
      const top = shot.dark ? appearance.locator('figure.preview') : appearance
      await top.evaluate((el) => el.scrollIntoView({ block: 'start' }))
      await page.waitForTimeout(200)
      const path = join(ROOT, 'docs', shot.file)
      await page.screenshot({ path })
      console.log(`wrote ${path}`)
      await page.close()
    }
  } finally {
    await server.stop()
  }
}

export async function customWidgetShots(browser: TestBrowser): Promise<void> {
  const server = await startTestServer()
  try {
    const token = await server.adminToken()
    const { body } = await server.http('/api/admin/inboxes', { token })
    const inboxId = body.inboxes[0].id as string
    const patched = await server.http(`/api/admin/inboxes/${inboxId}`, {
      token,
      method: 'PATCH',
      body: {
        settings: {
          appearance: {
            title: { en: 'Acme support', ru: 'Поддержка Acme' },
            accentColor: '#0f766e',
            position: 'left',
            launcherLabel: { en: 'Chat with us', ru: 'Напишите нам' },
          },
        },
      },
    })
    if (patched.status !== 200) throw new Error(`appearance: ${patched.status}`)
    const operator = await connectOperator(server)
    const seen: string[] = []
    for (const shot of [
      {
        file: 'widget-custom.png',
        lang: 'en',
        dark: false,
        viewport: { width: 1100, height: 760 },
      },
      {
        file: 'widget-custom-375-dark.png',
        lang: 'ru',
        dark: true,
        viewport: { width: 375, height: 740 },
      },
    ] as const) {
      const page = await browser.context.newPage()
      await page.setViewportSize(shot.viewport)
      await page.emulateMedia({ colorScheme: shot.dark ? 'dark' : 'light' })
      await page.goto(`${server.url}/?theme=auto&lang=${shot.lang}`)
      const widget = new Widget(page)
      await widget.launcher.waitFor()
      const label = shot.lang === 'ru' ? 'Напишите нам' : 'Chat with us'
      await widget.launcher.getByText(label).waitFor({ timeout: 10_000 })
      if (!shot.dark) {
        // The closed launcher: on the left, the accent, the label beside the icon.
        await page.waitForTimeout(300)
        const path = join(ROOT, 'docs', 'widget-custom-launcher.png')
        await page.screenshot({ path, clip: { x: 0, y: 600, width: 420, height: 160 } })
        console.log(`wrote ${path}`)
      }
      await widget.openChat()
      const question =
        shot.lang === 'ru' ? 'Как сменить адрес доставки?' : 'How do I change my delivery address?'
      await widget.send(question)
      // Each shot is a new visitor (a new page): its own new conversation.
      const feed = await operator.client.next(
        (f) =>
          f.type === 'feed' &&
          f.name === 'conversation' &&
          f.data.change === 'created' &&
          !seen.includes(f.data.conversation.id),
        10_000,
      )
      const conversationId = feed.data.conversation.id as string
      seen.push(conversationId)
      await operator.client.ok({ type: 'subscribe', conversationId, afterSeq: 0 })
      await operator.message(conversationId, question)
      const reply =
        shot.lang === 'ru'
          ? 'Так:\n1. Откройте **Заказы**\n2. Нажмите _Изменить адрес_\n\n> Адрес можно менять до отправки.'
          : 'Like this:\n1. Open **Orders**\n2. Press _Change address_\n\n> You can change it until the order ships.'
      await operator.client.ok({
        type: 'send',
        conversationId,
        clientMsgId: `${shot.file}-1`,
        text: reply,
      })
      await widget.frame.locator('.messages li, .messages ol').first().waitFor({ timeout: 10_000 })
      if (!shot.dark) {
        await widget.frame.getByRole('button', { name: 'Emoji' }).click()
        await widget.frame.getByRole('dialog', { name: /emoji/i }).waitFor()
      }
      await page.waitForTimeout(300)
      const path = join(ROOT, 'docs', shot.file)
      await page.screenshot({
        path,
        clip: shot.dark ? undefined : { x: 0, y: 0, width: 560, height: 760 },
      })
      console.log(`wrote ${path}`)
      await page.close()
    }
    operator.client.close()
  } finally {
    await server.stop()
  }
}
