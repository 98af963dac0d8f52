/**
 * The inbox settings page's widget appearance and embed code (customization): the accent's
 * contrast is measured while it is typed, an unreadable one is refused by the server with the
 * field marked and nothing saved; a readable one, the left corner, a title and a launcher label
 * show in the live preview (in either language) and are saved, and visitors' availability
 * answer carries them. The embed snippet is copied to the clipboard; the identity secret shows
 * only when asked and can be made anew. No horizontal scrolling at 375 px.
 */
import { describe, expect, test } from 'bun:test'
import { skipBrowserTests, until, useServerAndBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

describe.skipIf(skipBrowserTests)('panel widget appearance', () => {
  const env = useServerAndBrowser()

  const inbox = async () => {
    const res = await env.server.http('/api/admin/inboxes', {
      token: await env.server.adminToken(),
    })
    expect(res.status).toBe(200)
    return res.body.inboxes[0] as { id: string; name: string; settings: Record<string, any> }
  }

  async function openForm(viewport?: { width: number; height: number }) {
    const { page } = await PanelPage.open(env.browser.context, env.server.url, { viewport })
    await page.getByRole('button', { name: 'Settings' }).click()
    const form = page.locator('form[data-inbox]').first()
    const appearance = form.getByRole('group', { name: 'Widget appearance' })
    await appearance.waitFor()
    return { page, form, appearance }
  }

  test('appearance - contrast measured as typed, an unreadable accent refused with the field marked, a readable one previewed and saved', async () => {
    const before = await inbox()
    const { page, form, appearance } = await openForm()
    const accent = appearance.getByLabel('Accent color', { exact: true })
    const preview = appearance.getByTestId('widget-preview')
    const head = preview.locator('.preview-head')
    const defaultBackground = await head.evaluate((el) => getComputedStyle(el).backgroundColor)

    // ... or typed key by key (select all, then the new color).
    const typeColor = async (color: string) => {
      await accent.focus()
      await page.keyboard.press('ControlOrMeta+a')
      await page.keyboard.type(color)
    }
    // Pasted (one input event) ...
    await accent.fill('#ffd700')
    const hint = appearance.locator('p[aria-live]').filter({ hasText: 'White text on it' })
    await until(async () => (await hint.innerText()).includes('too faint'), 'the contrast hint')
    expect(await hint.innerText()).toMatch(/1\.\d\d:1, too faint: WCAG AA needs 4\.5:1/)
    expect(await accent.getAttribute('aria-invalid')).toBe('true')
    // The preview keeps a readable color meanwhile.
    expect(await head.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
      defaultBackground,
    )

    await form.getByRole('button', { name: 'Save', exact: true }).click()
    const alert = form.getByRole('alert')
    await alert.waitFor()
    expect(await alert.innerText()).toContain('WCAG AA needs 4.5:1')
    expect(await accent.getAttribute('aria-describedby')).toContain(await alert.getAttribute('id'))
    expect(await inbox()).toEqual(before)

    // A readable accent, the left corner, a title and a launcher label in both languages.
    await typeColor('#0f766e')
    await until(async () => (await hint.innerText()).includes('readable'), 'readable')
    expect(await accent.getAttribute('aria-invalid')).toBeNull()
    expect(await head.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
      'rgb(15, 118, 110)',
    )
    const title = appearance.getByRole('group', { name: /^Title/ })
    await title.getByLabel('English').fill('Acme help')
    await title.getByLabel('Russian').fill('Помощь Acme')
    const label = appearance.getByRole('group', { name: /^Launcher label/ })
    await label.getByLabel('English').fill('Chat with us')
    await label.getByLabel('Russian').fill('Напишите нам')
    await appearance.getByLabel('Bottom left').check()
    await appearance.getByLabel('Show the typical reply time').uncheck()
    await appearance.getByLabel('Language').selectOption('ru')

    expect(await preview.getAttribute('class')).toContain('left')
    expect(await head.innerText()).toBe('Acme help')
    expect(await preview.locator('.preview-launcher').innerText()).toBe('Chat with us')
    await appearance.getByRole('button', { name: 'Show in Russian' }).click()
    expect(await head.innerText()).toBe('Помощь Acme')
    expect(await preview.locator('.preview-launcher').innerText()).toBe('Напишите нам')
    await appearance.getByRole('button', { name: 'Dark theme' }).click()
    expect(await preview.getAttribute('class')).toContain('dark')

    await form.getByRole('button', { name: 'Save', exact: true }).click()
    await form.getByRole('status').filter({ hasText: 'Saved' }).waitFor()
    const { settings } = await inbox()
    expect(settings.appearance).toEqual({
      ...before.settings.appearance,
      title: { en: 'Acme help', ru: 'Помощь Acme' },
      accentColor: '#0f766e',
      position: 'left',
      launcherLabel: { en: 'Chat with us', ru: 'Напишите нам' },
      language: 'ru',
      showReplyTime: false,
    })
    // What visitors' widgets are told (the availability answer is kept for up to 2 s).
    const told = async () => {
      const answer = await env.server.http(
        `/api/visitor/availability?inboxId=${encodeURIComponent(before.id)}&lang=ru`,
      )
      expect(answer.status).toBe(200)
      const shown = answer.body.appearance
      return [shown.title, shown.launcherLabel, shown.accentColor, shown.position].join(' | ')
    }
    await until(
      async () => (await told()) === 'Помощь Acme | Напишите нам | #0f766e | left',
      'the new appearance in the availability answer',
    )
    await page.close()
  }, 60_000)

  test('appearance - the embed snippet is copied; the identity secret shows when asked and is made anew', async () => {
    await env.browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: env.server.url,
    })
    const { id } = await inbox()
    const { page } = await openForm()
    const embed = page.getByRole('region', { name: 'Put the widget on your site' }).first()
    await embed.getByRole('button', { name: 'Copy snippet' }).click()
    await embed.getByRole('status').filter({ hasText: 'Copied' }).first().waitFor()
    const copied = await page.evaluate(() => navigator.clipboard.readText())
    expect(copied).toContain(`src="${env.server.url}/widget/loader.js"`)
    expect(copied).toContain(`data-inbox="${id}"`)
    expect(copied).toContain('window.Parley=window.Parley||function(){')

    const token = await env.server.adminToken()
    const secretOf = async () =>
      (await env.server.http(`/api/admin/inboxes/${id}/identity-secret`, { token })).body
        .identitySecret as string
    expect(await embed.getByLabel('Identity secret').count()).toBe(0)
    await embed.getByRole('button', { name: 'Show identity secret' }).click()
    const secret = embed.getByLabel('Identity secret', { exact: true })
    await secret.waitFor()
    const first = await secret.inputValue()
    expect(first).toBe(await secretOf())

    page.once('dialog', (dialog) => void dialog.accept())
    await embed.getByRole('button', { name: 'Make a new secret' }).click()
    await until(async () => (await secret.inputValue()) !== first, 'the new secret')
    expect(await secret.inputValue()).toBe(await secretOf())
    await page.close()
  }, 60_000)

  test('appearance - fits 375 px without horizontal scrolling', async () => {
    const { page, appearance } = await openForm({ width: 375, height: 740 })
    await appearance.getByTestId('widget-preview').scrollIntoViewIfNeeded()
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    )
    expect(overflow).toBeLessThanOrEqual(0)
    await page.close()
  }, 60_000)
})
