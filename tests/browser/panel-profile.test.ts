/**
 * Operators' public identity in the panel (13.7): an operator uploads a picture from the profile
 * dialog with the keyboard and removes it again (the user menu shows it, then the initials); a
 * file that is not a picture shows the server's refusal and changes nothing; an admin changes
 * another operator's shown name and picture from the operators page; the transfer dialog shows
 * pictures and initials; axe-core on the dialog and the page, light and dark, desktop and 375 px.
 * Everything saved is checked through the admin API.
 *
 * Two operators in one browser: the admin's panel on 127.0.0.1, Pat's on localhost, another
 * origin, so each keeps its own login.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Locator, Page } from 'playwright-core'
import sharp from 'sharp'
import { httpStart } from '../helpers/http.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { imageLoaded } from './files.ts'
import {
  ensureClientBuilt,
  launchBrowser,
  skipBrowserTests,
  until,
  type TestBrowser,
} from './harness.ts'
import { PanelPage } from './panel-page.ts'
import { violations } from './axe.ts'

const PASSWORD = 'operator-password-1'
const MENU_ITEM = 'Name shown to visitors…'

/** A real JPEG (camera EXIF included), wider than tall, as tests/server/avatars.test.ts makes. */
async function photo(r = 200, g = 80, b = 40): Promise<Buffer> {
  return sharp({ create: { width: 900, height: 600, channels: 3, background: { r, g, b } } })
    .withExif({ IFD0: { Make: 'TestPhone', Model: 'X' } })
    .jpeg()
    .toBuffer()
}

const jpeg = async (name = 'me.jpg') => ({ name, mimeType: 'image/jpeg', buffer: await photo() })
const TEXT_FILE = {
  name: 'notes.txt',
  mimeType: 'text/plain',
  buffer: Buffer.from('not a picture'),
}

/** What the focused element is called: an input by its label, else aria-label or its text. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement
    if (el instanceof HTMLInputElement) return el.labels?.[0]?.textContent?.trim() ?? ''
    return el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? ''
  })

/** Presses `key` until the focused element is called `name` (at most `max` times). */
async function tabTo(page: Page, name: string, key = 'Tab', max = 15): Promise<void> {
  for (let i = 0; i < max && (await focused(page)) !== name; i++) await page.keyboard.press(key)
  expect(await focused(page)).toBe(name)
}

describe.skipIf(skipBrowserTests)('panel profile', () => {
  const env = {} as {
    server: TestServer
    browser: TestBrowser
    inboxId: string
    pat: { id: string; email: string; token: string; page: Page }
    olga: { id: string; email: string }
  }

  const api = async (path: string, method = 'GET', body?: unknown) => {
    const res = await env.server.http(path, { method, body, token: await env.server.adminToken() })
    if (res.status >= 300) throw new Error(`${method} ${path}: ${JSON.stringify(res.body)}`)
    return res.body
  }
  /** The operator as GET /api/admin/operators lists them. */
  const listed = async (id: string) =>
    ((await api('/api/admin/operators')).operators as Array<Record<string, any>>).find(
      (o) => o.id === id,
    ) as Record<string, any>
  const createOperator = async (name: string, email: string) => {
    const created = await api('/api/admin/operators', 'POST', {
      email,
      name,
      password: PASSWORD,
      role: 'operator',
      canChat: true,
      inboxIds: [env.inboxId],
    })
    return { id: created.id as string, email }
  }

  /** Pat's profile dialog, opened from the user menu with the keyboard. */
  const openProfile = async (page: Page): Promise<Locator> => {
    await page.bringToFront()
    await page.locator('.account-button').focus()
    await page.keyboard.press('Enter')
    await until(async () => (await focused(page)) === MENU_ITEM, 'the first menu item focused')
    await page.keyboard.press('Enter')
    const dialog = page.getByRole('dialog', { name: 'Picture and name shown to visitors' })
    await dialog.waitFor()
    return dialog
  }
  const closeDialog = async (page: Page, dialog: Locator) => {
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
  }

  beforeAll(async () => {
    ensureClientBuilt()
    env.server = await startTestServer()
    env.browser = await launchBrowser()
    env.inboxId = await env.server.defaultInboxId()
    const me = await env.server.http('/api/auth/me', { token: await env.server.adminToken() })
    await api(`/api/admin/operators/${me.body.operator.id}`, 'PATCH', { name: 'Anna Admin' })
    const pat = await createOperator('Pat Quinn', `pat-${Date.now()}@example.com`)
    env.olga = await createOperator('Olga Petrova', `olga-${Date.now()}@example.com`)
    const login = await env.server.http('/api/auth/login', {
      body: { email: pat.email, password: PASSWORD },
    })
    // Pat on another origin: a login of her own in this browser.
    const page = await env.browser.context.newPage()
    await page.goto(`http://localhost:${env.server.port}/panel/`)
    await page.getByLabel('Email').fill(pat.email)
    await page.getByLabel('Password').fill(PASSWORD)
    await page.keyboard.press('Enter')
    await page.locator('.shell[data-connection="connected"]').waitFor()
    env.pat = { ...pat, token: login.body.token as string, page }
  }, 120_000)

  afterAll(async () => {
    await env.browser?.close()
    await env.server?.stop()
  })

  test('profile - an operator uploads a picture with the keyboard, sees it in the panel, then removes it for the initials', async () => {
    const page = env.pat.page
    const menuAvatar = page.locator('.account-button .avatar')
    expect(await menuAvatar.getAttribute('data-initials')).toBe('PQ')
    expect(await menuAvatar.locator('img').count()).toBe(0)
    // From the top of the page, Tab reaches the user menu (named by the name, nothing else).
    await page.locator('body').focus()
    await tabTo(page, 'Pat Quinn')
    await page.keyboard.press('Enter')
    await until(async () => (await focused(page)) === MENU_ITEM, 'the first menu item focused')
    await page.keyboard.press('Enter')
    const dialog = page.getByRole('dialog', { name: 'Picture and name shown to visitors' })
    await dialog.waitFor()
    // The name takes the focus; the picture's file input is one Shift+Tab away.
    expect(await focused(page)).toStartWith('Name shown to visitors')
    await tabTo(page, 'Choose a picture…', 'Shift+Tab', 5)
    const input = dialog.locator('input[type=file]')
    expect(await input.evaluate((el) => el === document.activeElement)).toBe(true)
    expect(await input.getAttribute('accept')).toBe('image/png,image/jpeg,image/webp,image/gif')
    expect(await dialog.getByRole('img', { name: 'Your picture: initials' }).count()).toBe(1)
    // The file itself: what the system's file chooser would hand over.
    await input.setInputFiles(await jpeg())
    await dialog.getByRole('status').filter({ hasText: 'Picture saved.' }).waitFor()

    const { avatarId } = await listed(env.pat.id)
    expect(avatarId).toMatch(/^[0-9a-f-]{36}$/)
    const shown = dialog.getByRole('img', { name: 'Your picture' }).locator('img')
    await until(() => imageLoaded(shown), 'the picture in the dialog')
    expect(await shown.getAttribute('src')).toEndWith(`/api/avatars/${avatarId}`)
    // The user menu's button shows it too, without a word more in its name.
    await until(() => imageLoaded(menuAvatar.locator('img')), 'the picture in the user menu')
    expect(await menuAvatar.getAttribute('data-initials')).toBeNull()
    expect(await page.locator('.account-button').evaluate((el) => el.textContent?.trim())).toBe(
      'Pat Quinn',
    )
    // Focus came back to the file input, which now offers another picture; then Remove.
    expect(await focused(page)).toBe('Change picture…')
    await tabTo(page, 'Remove picture')
    await page.keyboard.press('Enter')
    await dialog.getByRole('status').filter({ hasText: 'Picture removed' }).waitFor()
    expect((await listed(env.pat.id)).avatarId).toBeNull()
    await dialog.getByRole('img', { name: 'Your picture: initials' }).waitFor()
    expect(await dialog.locator('.picture img').count()).toBe(0)
    expect(await menuAvatar.getAttribute('data-initials')).toBe('PQ')
    expect(await menuAvatar.locator('img').count()).toBe(0)
    // The button is gone: focus went back to the file input, not lost.
    expect(await focused(page)).toBe('Choose a picture…')
    await closeDialog(page, dialog)
    await until(async () => (await focused(page)) === 'Pat Quinn', 'focus on the menu button')
    // The state survives a reload (it is the stored login's operator).
    await page.reload()
    await page.locator('.shell[data-connection="connected"]').waitFor()
    expect(await menuAvatar.getAttribute('data-initials')).toBe('PQ')
  }, 60_000)

  test('profile - a file that is not a picture shows the server refusal and changes nothing', async () => {
    const page = env.pat.page
    const dialog = await openProfile(page)
    const input = dialog.locator('input[type=file]')
    await input.setInputFiles(await jpeg())
    await dialog.getByRole('status').filter({ hasText: 'Picture saved.' }).waitFor()
    const before = await listed(env.pat.id)
    expect(before.avatarId).toBeTruthy()

    // What the server says to such a file.
    const form = new FormData()
    form.append('file', new File([TEXT_FILE.buffer], TEXT_FILE.name, { type: 'text/plain' }))
    const refused = await fetch(`${env.server.url}/api/me/avatar`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${env.pat.token}` },
      body: form,
    })
    expect(refused.status).toBe(415)
    const { message } = ((await refused.json()) as { error: { message: string } }).error
    expect(message.length).toBeGreaterThan(0)

    await input.setInputFiles(TEXT_FILE)
    const alert = dialog.getByRole('alert')
    await alert.waitFor()
    expect(await alert.innerText()).toContain(message)
    // The input is marked and points at the message.
    expect(await input.getAttribute('aria-invalid')).toBe('true')
    const errorId = await alert.getAttribute('id')
    expect((await input.getAttribute('aria-describedby'))?.split(' ')).toContain(errorId!)
    // Nothing changed: the same picture, stored and shown.
    expect(await listed(env.pat.id)).toEqual(before)
    const shown = dialog.locator('.picture img')
    expect(await shown.getAttribute('src')).toEndWith(`/api/avatars/${before.avatarId}`)
    expect(await imageLoaded(shown)).toBe(true)
    expect(await imageLoaded(page.locator('.account-button .avatar img'))).toBe(true)
    await closeDialog(page, dialog)
  }, 60_000)

  test('profile - an operator changes the own full name; an empty one is refused at the field and nothing is saved', async () => {
    const page = env.pat.page
    let dialog = await openProfile(page)
    const full = dialog.getByLabel('Full name')
    expect(await full.inputValue()).toBe('Pat Quinn')
    await full.fill('   ')
    await dialog.getByRole('button', { name: 'Save' }).click()
    const alert = dialog.getByRole('alert')
    await alert.waitFor()
    expect(await alert.innerText()).toBe('Full name: enter a name.')
    expect(await full.getAttribute('aria-invalid')).toBe('true')
    expect((await listed(env.pat.id)).name).toBe('Pat Quinn')
    await closeDialog(page, dialog)

    dialog = await openProfile(page)
    await dialog.getByLabel('Full name').fill('Patricia Quinn')
    await dialog.getByLabel('Full name').press('Enter')
    await dialog.waitFor({ state: 'detached' })
    await page.locator('.account-button .me', { hasText: 'Patricia Quinn' }).waitFor()
    expect((await listed(env.pat.id)).name).toBe('Patricia Quinn')
    // Back as it was, for the other tests.
    dialog = await openProfile(page)
    await dialog.getByLabel('Full name').fill('Pat Quinn')
    await dialog.getByLabel('Full name').press('Enter')
    await dialog.waitFor({ state: 'detached' })
    await page.locator('.account-button .me', { hasText: 'Pat Quinn' }).waitFor()
  }, 60_000)

  test('profile - an admin changes another operator’s shown name and picture from the operators page', async () => {
    const { page } = await PanelPage.open(env.browser.context, env.server.url)
    await page.getByRole('button', { name: 'Operators' }).click()
    const row = page.locator(`tr[data-operator="${env.olga.email}"]`)
    await row.waitFor()
    // Initials and the first name until told otherwise; Pat's picture from the test before.
    expect(await row.locator('.avatar').getAttribute('data-initials')).toBe('OP')
    expect(await row.locator('td').nth(1).innerText()).toContain('Olga')
    const patRow = page.locator(`tr[data-operator="${env.pat.email}"]`)
    await until(() => imageLoaded(patRow.locator('.avatar img')), 'Pat’s picture in the list')

    const edit = row.getByRole('button', { name: `Edit profile of ${env.olga.email}` })
    await edit.click()
    const dialog = page.getByRole('dialog', { name: 'Picture and name shown to visitors' })
    await dialog.waitFor()
    expect(await dialog.innerText()).toContain(`Olga Petrova (${env.olga.email})`)
    await dialog.getByLabel('Choose a picture…').setInputFiles(await jpeg('olga.jpg'))
    await dialog.getByRole('status').filter({ hasText: 'Picture saved.' }).waitFor()
    const withPicture = await listed(env.olga.id)
    expect(withPicture.avatarId).toMatch(/^[0-9a-f-]{36}$/)
    await until(() => imageLoaded(row.locator('.avatar img')), 'Olga’s picture in the list')
    expect(await row.locator('.avatar img').getAttribute('src')).toEndWith(
      `/api/avatars/${withPicture.avatarId}`,
    )

    const name = dialog.getByLabel('Name shown to visitors')
    expect(await name.getAttribute('placeholder')).toBe('Olga')
    await name.fill('Olga S.')
    await dialog.getByRole('button', { name: 'Save' }).click()
    await dialog.waitFor({ state: 'detached' })
    // Focus is back on the button that opened it.
    expect(await edit.evaluate((el) => el === document.activeElement)).toBe(true)
    expect(await listed(env.olga.id)).toMatchObject({
      displayName: 'Olga S.',
      avatarId: withPicture.avatarId,
      name: 'Olga Petrova',
    })
    expect(await row.locator('td').nth(1).innerText()).toContain('Olga S.')

    // Removed again: the initials.
    await edit.click()
    await dialog.getByRole('button', { name: 'Remove picture' }).click()
    await dialog.getByRole('status').filter({ hasText: 'Picture removed' }).waitFor()
    expect((await listed(env.olga.id)).avatarId).toBeNull()
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'detached' })
    expect(await row.locator('.avatar').getAttribute('data-initials')).toBe('OP')
    expect(await row.locator('.avatar img').count()).toBe(0)
    // A shown name the server refuses (a NUL character) says why and keeps the old one.
    await edit.click()
    await dialog.getByLabel('Name shown to visitors').fill('Olga \u0000')
    await dialog.getByRole('button', { name: 'Save' }).click()
    await dialog.getByRole('alert').waitFor()
    expect(await dialog.getByLabel('Name shown to visitors').getAttribute('aria-invalid')).toBe(
      'true',
    )
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    expect((await listed(env.olga.id)).displayName).toBe('Olga S.')
    await page.close()
  }, 60_000)

  test('profile - the transfer dialog shows colleagues’ pictures, and initials for the others', async () => {
    const { id } = await httpStart(env.server, undefined, 'Who can help me?')
    await api(`/api/admin/operators/${env.olga.id}/avatar`, 'DELETE')
    const { page } = await PanelPage.open(env.browser.context, env.server.url)
    await page.locator(`.conversation-row[data-conversation-id="${id}"]`).click()
    await page.getByRole('button', { name: 'Transfer…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Transfer conversation' })
    const pat = dialog.locator(`label[data-operator-id="${env.pat.id}"]`)
    await pat.waitFor()
    await until(() => imageLoaded(pat.locator('.avatar img')), 'Pat’s picture')
    const olga = dialog.locator(`label[data-operator-id="${env.olga.id}"]`)
    expect(await olga.locator('.avatar').getAttribute('data-initials')).toBe('OP')
    // The picture adds nothing to the choice's name.
    await dialog.getByRole('radio', { name: /^Pat Quinn/ }).waitFor()
    expect(await pat.innerText()).toMatch(/^Pat Quinn\s/)
    expect(await violations(page)).toEqual([])
    await page.close()
  }, 60_000)

  test('profile - axe-core finds no serious violation on the profile dialog and the operators page, light and dark, desktop and 375 px', async () => {
    const problems: string[] = []
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 375, height: 740 },
    ]) {
      const pat = env.pat.page
      await pat.setViewportSize(viewport)
      const admin = await PanelPage.open(env.browser.context, env.server.url, { viewport })
      await admin.page.getByRole('button', { name: 'Operators' }).click()
      await admin.page.locator(`tr[data-operator="${env.pat.email}"] .avatar img`).waitFor()
      for (const theme of ['light', 'dark'] as const) {
        const where = `${viewport.width}px ${theme}`
        await pat.emulateMedia({ colorScheme: theme })
        // The dialog with a picture, and with a refusal on screen.
        const dialog = await openProfile(pat)
        await until(() => imageLoaded(dialog.locator('.picture img')), 'the picture')
        for (const v of await violations(pat)) problems.push(`${where} dialog: ${v}`)
        await dialog.locator('input[type=file]').setInputFiles(TEXT_FILE)
        await dialog.getByRole('alert').waitFor()
        for (const v of await violations(pat)) problems.push(`${where} dialog, refused: ${v}`)
        await closeDialog(pat, dialog)
        // The operators page: pictures (Pat's) and initials (the others).
        await admin.page.bringToFront()
        await admin.page.emulateMedia({ colorScheme: theme })
        for (const v of await violations(admin.page)) problems.push(`${where} operators: ${v}`)
        await admin.page.getByRole('button', { name: `Edit profile of ${env.olga.email}` }).click()
        const edit = admin.page.getByRole('dialog', { name: 'Picture and name shown to visitors' })
        await edit.waitFor()
        for (const v of await violations(admin.page)) problems.push(`${where} edit dialog: ${v}`)
        await edit.getByRole('button', { name: 'Cancel' }).click()
        await edit.waitFor({ state: 'detached' })
      }
      await admin.page.close()
    }
    expect(problems).toEqual([])
  }, 120_000)
})
