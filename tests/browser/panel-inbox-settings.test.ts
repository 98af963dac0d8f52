/**
 * The inbox settings page's ratings and pre-chat form (C10, identity and context): an admin
 * picks star ratings and builds a form with the keyboard only (before the first message: the
 * required e-mail and a "plan" choice of two options, moved up and back down), and the admin
 * API has exactly that; a choice without options shows the server's refusal by the Save button,
 * marks the options, and saves nothing; axe-core finds no serious violation, light and dark,
 * desktop and 375 px.
 */
import { describe, expect, test } from 'bun:test'
import type { Locator, Page } from 'playwright-core'
import { skipBrowserTests, until, useServerAndBrowser } from './harness.ts'
import { violations } from './axe.ts'
import { PanelPage } from './panel-page.ts'

/** The focused element's label text, or its aria-label (buttons). */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement
    if (
      el instanceof HTMLInputElement ||
      el instanceof HTMLSelectElement ||
      el instanceof HTMLTextAreaElement
    ) {
      return el.labels?.[0]?.firstChild?.textContent?.trim() ?? ''
    }
    return el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? ''
  })

describe.skipIf(skipBrowserTests)('panel inbox settings', () => {
  const env = useServerAndBrowser()

  const inbox = async () => {
    const res = await env.server.http('/api/admin/inboxes', {
      token: await env.server.adminToken(),
    })
    expect(res.status).toBe(200)
    return res.body.inboxes[0] as { name: string; settings: Record<string, any> }
  }

  /** The signed-in admin's panel on the settings page; the default inbox's form. */
  async function openForm(viewport?: { width: number; height: number }) {
    const { page } = await PanelPage.open(env.browser.context, env.server.url, { viewport })
    await page.getByRole('button', { name: 'Settings' }).click()
    const form = page.locator('form[data-inbox]').first()
    await form.getByRole('group', { name: 'Pre-chat form' }).waitFor()
    return { page, form }
  }

  /** Tabs until the control named `name` has focus (at most `max` presses). */
  async function tabTo(page: Page, name: string, max = 12) {
    for (let n = 0; n < max && (await focused(page)) !== name; n++) {
      await page.keyboard.press('Tab')
    }
    expect(await focused(page)).toBe(name)
  }

  const field = (form: Locator, n: number) =>
    form.getByRole('group', { name: new RegExp(`^Field ${n}\\b`) })

  test('inbox settings - keyboard only: star ratings and a pre-chat form with a required e-mail and a plan choice', async () => {
    const { page, form } = await openForm()
    const rating = form.getByLabel('Ratings after resolve')
    expect(await rating.inputValue()).toBe('off')
    await rating.focus()
    await page.keyboard.press('ArrowDown')
    expect(await rating.inputValue()).toBe('stars')

    const mode = form.getByLabel('Show the form')
    await mode.focus()
    await page.keyboard.press('ArrowDown')
    expect(await mode.inputValue()).toBe('before')

    // The default form: an optional name and a required e-mail. The name goes.
    expect(await field(form, 1).getByLabel('Asks for').inputValue()).toBe('name')
    await form.getByRole('button', { name: 'Remove field 1' }).focus()
    await page.keyboard.press('Enter')
    // Focus goes to "Add field": the pressed button is gone.
    await until(async () => (await focused(page)) === 'Add field', 'focus on "Add field"')
    expect(await field(form, 1).getByLabel('Asks for').inputValue()).toBe('email')
    expect(await field(form, 1).getByLabel('Required').isChecked()).toBe(true)
    expect(await field(form, 2).count()).toBe(0)

    // A new field takes focus at its first control: an attribute by default.
    await page.keyboard.press('Enter')
    await until(async () => (await focused(page)) === 'Asks for', 'focus on the new field')
    const plan = field(form, 2)
    expect(await plan.getByLabel('Asks for').inputValue()).toBe('custom')
    await page.keyboard.press('Tab')
    expect(await focused(page)).toBe('Key')
    await page.keyboard.type('plan')
    await page.keyboard.press('Tab')
    expect(await focused(page)).toBe('Type')
    await page.keyboard.press('ArrowDown')
    expect(await plan.getByLabel('Type').inputValue()).toBe('select')
    await page.keyboard.press('Tab')
    expect(await focused(page)).toBe('English label')
    await page.keyboard.type('Plan')
    await page.keyboard.press('Tab')
    await page.keyboard.type('Тариф')
    await tabTo(page, 'Options (one per line)')
    await page.keyboard.type('Basic\nPro\n')
    // The legend names it by its English label now.
    await form.getByRole('group', { name: 'Field 2 · Plan' }).waitFor()

    // Up above the e-mail, then back down; focus stays on the field's move buttons.
    await tabTo(page, 'Move field 2 up')
    await page.keyboard.press('Enter')
    await until(async () => (await focused(page)) === 'Move field 1 down', 'focus after moving up')
    expect(await field(form, 1).getByLabel('Key').inputValue()).toBe('plan')
    expect(await page.getByRole('status').filter({ hasText: 'moved to position 1' }).count()).toBe(
      1,
    )
    await page.keyboard.press('Enter')
    await until(async () => (await focused(page)) === 'Move field 2 up', 'focus after moving down')
    expect(await field(form, 1).getByLabel('Asks for').inputValue()).toBe('email')

    await form.getByRole('button', { name: 'Save', exact: true }).focus()
    await page.keyboard.press('Enter')
    await form.getByRole('status').filter({ hasText: 'Saved' }).waitFor()
    const { settings } = await inbox()
    expect(settings.rating).toBe('stars')
    expect(settings.preChat).toEqual({
      mode: 'before',
      fields: [
        { key: 'email', type: 'email', label: { en: 'E-mail', ru: 'Эл. почта' }, required: true },
        {
          key: 'plan',
          type: 'select',
          label: { en: 'Plan', ru: 'Тариф' },
          required: false,
          options: ['Basic', 'Pro'],
        },
      ],
    })
    // The settings it does not edit are as they were.
    expect(settings.escalationMinutes).toBe(4)
    expect(settings.attachmentTypes.length).toBeGreaterThan(0)

    // Shown again as saved.
    await page.reload()
    await page.getByRole('button', { name: 'Settings' }).click()
    const again = page.locator('form[data-inbox]').first()
    await field(again, 2).waitFor()
    expect(await again.getByLabel('Ratings after resolve').inputValue()).toBe('stars')
    expect(await field(again, 2).getByLabel('Options (one per line)').inputValue()).toBe(
      'Basic\nPro',
    )
    await page.close()
  }, 60_000)

  test('inbox settings - a choice without options shows the server message and saves nothing', async () => {
    const before = await inbox()
    const { page, form } = await openForm()
    await form.getByLabel('Name', { exact: true }).fill('Renamed inbox')
    await form.getByRole('button', { name: 'Add field' }).click()
    const size = field(form, 3)
    await size.getByLabel('Key').fill('size')
    await size.getByLabel('Type').selectOption('select')
    await size.getByLabel('English label').fill('Size')
    await size.getByLabel('Russian label').fill('Размер')
    await form.getByRole('button', { name: 'Save', exact: true }).click()

    const alert = form.getByRole('alert')
    await alert.waitFor()
    expect(await alert.innerText()).toContain('a select field has options')
    const options = size.getByLabel('Options (one per line)')
    expect(await options.getAttribute('aria-invalid')).toBe('true')
    expect(await options.getAttribute('aria-describedby')).toBe(await alert.getAttribute('id'))
    expect(await form.getByRole('status').filter({ hasText: 'Saved' }).count()).toBe(0)
    // Nothing changed on the server, the name neither.
    expect(await inbox()).toEqual(before)

    // With options it saves.
    await options.fill('S\nM\nL')
    expect(await options.getAttribute('aria-invalid')).toBeNull()
    await form.getByRole('button', { name: 'Save', exact: true }).click()
    await form.getByRole('status').filter({ hasText: 'Saved' }).waitFor()
    expect(await form.getByRole('alert').count()).toBe(0)
    const after = await inbox()
    expect(after.name).toBe('Renamed inbox')
    expect(after.settings.preChat.fields[2]).toEqual({
      key: 'size',
      type: 'select',
      label: { en: 'Size', ru: 'Размер' },
      required: false,
      options: ['S', 'M', 'L'],
    })
    await page.close()
  }, 60_000)

  test('inbox settings - axe-core finds no serious violation, light and dark, desktop and 375 px', async () => {
    const problems: string[] = []
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 375, height: 740 },
    ]) {
      const { page, form } = await openForm(viewport)
      for (const theme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: theme })
        const where = `${viewport.width}px ${theme}`
        for (const v of await violations(page)) problems.push(`${where}: ${v}`)
        // A refusal on screen too: a choice without options.
        await form.getByRole('button', { name: 'Add field' }).click()
        const last = field(form, 4)
        await last.getByLabel('Key').fill('color')
        await last.getByLabel('Type').selectOption('select')
        await last.getByLabel('English label').fill('Color')
        await last.getByLabel('Russian label').fill('Цвет')
        await form.getByRole('button', { name: 'Save', exact: true }).click()
        await form.getByRole('alert').waitFor()
        for (const v of await violations(page)) problems.push(`${where} refused: ${v}`)
        await form.getByRole('button', { name: 'Remove field 4' }).click()
        await last.waitFor({ state: 'detached' })
      }
      await page.close()
    }
    expect(problems).toEqual([])
  }, 90_000)
})
