/**
 * Where the widget runs, in the inbox settings (issue 18, S3): an inbox created without the
 * choice says it runs on no site; an admin picks "Only on these sites" with the keyboard, a bad
 * entry is refused by the server (named, the box marked, nothing saved), an empty list is
 * refused before sending; the saved list is normalized; "On any website" saves an empty list.
 * axe-core finds no serious violation, light and dark, desktop and 375 px.
 */
import { describe, expect, test } from 'bun:test'
import type { Locator, Page } from 'playwright-core'
import { violations } from './axe.ts'
import { skipBrowserTests, until, useServerAndBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

describe.skipIf(skipBrowserTests)('panel sites', () => {
  const env = useServerAndBrowser()

  const stored = async (id: string): Promise<string[] | null> => {
    const res = await env.server.http('/api/admin/inboxes', {
      token: await env.server.adminToken(),
    })
    return res.body.inboxes.find((i: { id: string }) => i.id === id).settings.allowedOrigins
  }

  async function openForm(id: string, viewport?: { width: number; height: number }) {
    const { page } = await PanelPage.open(env.browser.context, env.server.url, { viewport })
    await page.getByRole('button', { name: 'Settings' }).click()
    const form = page.locator(`form[data-inbox="${id}"]`)
    await form.getByRole('group', { name: 'Where the widget runs' }).waitFor()
    return { page, form }
  }

  const save = async (page: Page, form: Locator) => {
    await form.getByRole('button', { name: 'Save' }).focus()
    await page.keyboard.press('Enter')
  }

  test('sites - keyboard only: not chosen, a refused entry, an empty list, then a saved list and "any website"', async () => {
    const created = await env.server.http('/api/admin/inboxes', {
      token: await env.server.adminToken(),
      body: { name: 'Storefront' },
    })
    const id = created.body.id as string
    const { page, form } = await openForm(id)
    const sites = form.getByRole('group', { name: 'Where the widget runs' })
    await sites
      .getByText('Not chosen yet: the widget runs on no website until you choose.')
      .waitFor()
    const only = sites.getByRole('radio', { name: 'Only on these sites' })
    const any = sites.getByRole('radio', { name: 'On any website' })
    expect(await only.isChecked()).toBe(false)
    expect(await any.isChecked()).toBe(false)

    // Space picks the focused radio; the list appears.
    await only.focus()
    await page.keyboard.press('Space')
    const list = sites.getByRole('textbox', { name: 'Sites, one per line' })
    await list.waitFor()

    // An empty list would mean "anywhere" to the server: refused here, before sending.
    await save(page, form)
    await form.getByRole('alert').getByText('name at least one site').waitFor()
    expect(await list.getAttribute('aria-invalid')).toBe('true')
    expect(await stored(id)).toBeNull()

    await list.focus()
    await page.keyboard.insertText('https://Shop.Example.com/\nhttps://*.com')
    await save(page, form)
    await form.getByRole('alert').getByText('*.com would admit every site').waitFor()
    expect(await list.getAttribute('aria-invalid')).toBe('true')
    expect(await stored(id)).toBeNull()
    expect(await violations(page)).toEqual([])

    await list.focus()
    await page.keyboard.press('ControlOrMeta+a')
    await page.keyboard.insertText('https://Shop.Example.com/\n\nhttps://*.example.org')
    await save(page, form)
    await form.getByRole('status').getByText('Saved').waitFor()
    expect(await stored(id)).toEqual(['https://shop.example.com', 'https://*.example.org'])
    await until(
      async () => (await sites.getByText('Not chosen yet').count()) === 0,
      'the notice to go',
    )
    expect(await list.getAttribute('aria-invalid')).toBeNull()

    // Arrow keys move within the radio group.
    await only.focus()
    await page.keyboard.press('ArrowDown')
    expect(await any.isChecked()).toBe(true)
    await save(page, form)
    await until(async () => (await stored(id))?.length === 0, 'any website to be saved')
    await page.close()
  }, 60_000)

  test('sites - no serious axe violation with the list open, light and dark, desktop and 375 px', async () => {
    const created = await env.server.http('/api/admin/inboxes', {
      token: await env.server.adminToken(),
      body: { name: 'Listed shop', settings: { allowedOrigins: ['https://shop.example.com'] } },
    })
    for (const scheme of ['light', 'dark'] as const) {
      for (const viewport of [undefined, { width: 375, height: 740 }]) {
        const { page, form } = await openForm(created.body.id, viewport)
        await page.emulateMedia({ colorScheme: scheme })
        const list = form.getByRole('textbox', { name: 'Sites, one per line' })
        expect(await list.inputValue()).toBe('https://shop.example.com')
        await list.scrollIntoViewIfNeeded()
        expect({ scheme, viewport, found: await violations(page) }).toEqual({
          scheme,
          viewport,
          found: [],
        })
        await page.close()
      }
    }
  }, 60_000)
})
