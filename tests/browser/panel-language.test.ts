/**
 * The panel in Russian (issue 16): the operator picks the language from their menu with the
 * keyboard and the whole panel switches at once; the choice survives a reload, follows the
 * account to a browser that never chose (signed in there it starts in Russian), and the sign-in
 * page has its own switch. Russian has no serious axe violation in either theme and fits a
 * 375 px phone without sideways scrolling.
 */
import { describe, expect, test } from 'bun:test'
import { httpStart } from '../helpers/http.ts'
import { ADMIN } from '../helpers/server.ts'
import { violations } from './axe.ts'
import { launchBrowser, skipBrowserTests, until, useServerAndBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

describe.skipIf(skipBrowserTests)('panel language', () => {
  const env = useServerAndBrowser()

  test('language - chosen from the menu by keyboard, switches everything at once, kept on reload and on the account', async () => {
    await httpStart(env.server, undefined, 'Здравствуйте, где мой заказ?')
    const panel = await PanelPage.open(env.browser.context, env.server.url)
    const page = panel.page
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en')
    await page.getByRole('tab', { name: /^All/ }).waitFor()

    // Keyboard only: the account menu, "Language…", the Russian radio.
    await page.locator('.account-button').focus()
    await page.keyboard.press('ArrowDown')
    for (let i = 0; i < 8; i++) {
      const label = await page.evaluate(() => document.activeElement?.textContent)
      if (label === 'Language…') break
      await page.keyboard.press('ArrowDown')
    }
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Language…')
    await page.keyboard.press('Enter')
    const dialog = page.getByRole('dialog', { name: 'Language' })
    await dialog.waitFor()
    expect(await violations(page)).toEqual([])
    await until(
      async () =>
        (await page.evaluate(() => document.activeElement?.getAttribute('value'))) === 'en',
      'the current language focused',
    )
    await page.keyboard.press('ArrowDown') // radio groups move and choose with the arrows
    // The dialog and the panel behind it are Russian at once, no reload.
    await page.getByRole('dialog', { name: 'Язык' }).waitFor()
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ru')
    await page.keyboard.press('Escape')
    await page.getByRole('tab', { name: /^Все/ }).waitFor()
    await page.getByRole('tab', { name: /^Без исполнителя/ }).waitFor()
    // The row and the thread: the composer speaks Russian too.
    await page.getByRole('tab', { name: /^Все/ }).click()
    await panel.rows.first().click()
    await page.getByRole('textbox', { name: 'Ответ', exact: true }).waitFor()
    expect(await violations(page)).toEqual([])

    // The account carries it: saved on the server.
    const token = await page.evaluate(
      () => JSON.parse(localStorage.getItem('parley:operator') ?? 'null')?.token as string,
    )
    const me = await env.server.http('/api/auth/me', { token })
    expect(me.body.operator.locale).toBe('ru')

    // A reload starts in Russian, with no English frame first.
    await page.reload()
    await page.getByRole('tab', { name: /^Все/ }).waitFor()
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ru')

    // Dark theme, Russian: nothing serious.
    await page.emulateMedia({ colorScheme: 'dark' })
    expect(await violations(page)).toEqual([])
    await page.emulateMedia({ colorScheme: 'light' })

    // A phone: the longer Russian words still fit without sideways scrolling, on the
    // conversation's screen and on the list's.
    await page.setViewportSize({ width: 375, height: 740 })
    const fits = () =>
      page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)
    const back = page.getByRole('button', { name: 'Назад к разговорам' })
    await back.waitFor()
    expect(await fits()).toBe(true)
    expect(await violations(page)).toEqual([])
    await back.click()
    await page.getByRole('tab', { name: /^Все/ }).waitFor()
    expect(await fits()).toBe(true)
    expect(await violations(page)).toEqual([])
    await page.close()

    // Another browser that never chose: signing in as the same admin brings Russian with it.
    const other = await launchBrowser()
    try {
      const fresh = await PanelPage.open(other.context, env.server.url)
      await fresh.page.getByRole('tab', { name: /^Все/ }).waitFor()
      // And back to English from there, for the account.
      await fresh.page.locator('.account-button').click()
      await fresh.page.getByRole('menuitem', { name: 'Язык…' }).click()
      await fresh.page.getByRole('radio', { name: 'English' }).check()
      await fresh.page.getByRole('tab', { name: /^All/ }).waitFor()
      const back = await env.server.http('/api/auth/me', { token })
      expect(back.body.operator.locale).toBe('en')
    } finally {
      await other.close()
    }
  }, 90_000)

  test('language - the sign-in page has its own switch; Russian before signing in', async () => {
    const device = await launchBrowser()
    try {
      const page = await device.context.newPage()
      await page.goto(`${env.server.url}/panel/`)
      const switcher = page.getByLabel('Language')
      await switcher.selectOption('ru')
      await page.getByRole('button', { name: 'Войти' }).waitFor()
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('ru')
      expect(await violations(page)).toEqual([])
      // A reload keeps the device's choice.
      await page.reload()
      await page.getByRole('button', { name: 'Войти' }).waitFor()
      await page.getByLabel('E-mail').fill(ADMIN.email)
      await page.getByLabel('Пароль').fill(ADMIN.password)
      await page.getByRole('button', { name: 'Войти' }).click()
      await page.locator('.shell').waitFor()
    } finally {
      await device.close()
    }
  }, 60_000)

  test('language - every page in Russian fits 375 px and passes axe, light and dark', async () => {
    // The account's choice: the sign-in page is English on this new device, the panel Russian.
    const token = await env.server.adminToken()
    const profile = (locale: string | null) =>
      env.server.http('/api/me/profile', { method: 'PATCH', token, body: { locale } })
    expect((await profile('ru')).status).toBe(200)
    const device = await launchBrowser()
    try {
      const panel = await PanelPage.open(device.context, env.server.url, {
        viewport: { width: 375, height: 740 },
      })
      const page = panel.page
      await page.getByRole('tab', { name: /^Все/ }).waitFor()
      const problems: string[] = []
      const check = async (where: string) => {
        for (const theme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme: theme })
          const wide = await page.evaluate(() => document.documentElement.scrollWidth)
          if (wide > 376) problems.push(`${where} (${theme}): ${wide} px wide`)
          for (const v of await violations(page)) problems.push(`${where} (${theme}): ${v}`)
        }
        await page.emulateMedia({ colorScheme: 'light' })
      }
      await check('inbox')
      for (const [nav, ready] of [
        ['Обзор', '.overview-inbox'],
        ['Операторы', 'form.card, .operators'],
        ['Настройки', 'form'],
      ] as const) {
        await page.getByRole('button', { name: nav, exact: true }).click()
        await page.locator(ready).first().waitFor()
        await check(nav)
      }
      for (const link of ['Отделы и маршрутизация', 'Шаблоны ответов']) {
        await page.getByRole('button', { name: 'Настройки', exact: true }).click()
        await page.getByRole('button', { name: link }).first().click()
        await page.locator('main.admin h2, main.admin h1').first().waitFor()
        await check(link)
      }
      expect(problems).toEqual([])
    } finally {
      await device.close()
      await profile(null)
    }
  }, 90_000)
})
