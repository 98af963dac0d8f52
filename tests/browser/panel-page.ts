/** The operator panel in a browser tab, seen the way an operator sees it (tests and screenshots). */
import type { BrowserContext, Locator, Page } from 'playwright-core'
import { ADMIN } from '../helpers/server.ts'

export class PanelPage {
  constructor(readonly page: Page) {}

  /** Opens the panel and signs in (unless this browser profile is signed in already). */
  static async open(
    context: BrowserContext,
    baseUrl: string,
    opts: { viewport?: { width: number; height: number }; initScript?: string } = {},
  ): Promise<PanelPage> {
    const page = await context.newPage()
    if (opts.initScript) await page.addInitScript(opts.initScript)
    if (opts.viewport) await page.setViewportSize(opts.viewport)
    await page.goto(`${baseUrl}/panel/`)
    const panel = new PanelPage(page)
    await page.locator('.shell, form.card').first().waitFor()
    if (await page.getByRole('button', { name: 'Sign in' }).isVisible()) {
      await page.getByLabel('Email').fill(ADMIN.email)
      await page.getByLabel('Password').fill(ADMIN.password)
      await page.getByRole('button', { name: 'Sign in' }).click()
    }
    await panel.connected()
    return panel
  }

  async connected(timeoutMs = 10_000): Promise<void> {
    await this.page.locator('.shell[data-connection="connected"]').waitFor({ timeout: timeoutMs })
  }

  get rows(): Locator {
    return this.page.locator('.conversation-row')
  }

  get input(): Locator {
    // The textbox: the composer's Reply/Note switch has a "Reply" radio too.
    return this.page.getByRole('textbox', { name: 'Reply', exact: true })
  }

  get listPane(): Locator {
    return this.page.locator('.list-pane')
  }

  get conversationPane(): Locator {
    return this.page.locator('.pane.conversation')
  }

  /** A message row in the open conversation containing text. */
  message(text: string): Locator {
    return this.page.locator('.messages .row', { hasText: text })
  }

  async waitStatus(text: string, status: string, timeoutMs = 10_000): Promise<void> {
    await this.page
      .locator(`.messages .row[data-status="${status}"]`, { hasText: text })
      .waitFor({ timeout: timeoutMs })
  }

  async send(text: string): Promise<void> {
    await this.input.fill(text)
    await this.input.press('Enter')
  }

  async texts(): Promise<string[]> {
    return this.page.locator('.messages .row .text').allInnerTexts()
  }
}

/**
 * An operator's own panel, signed in as them, on `localhost` (the admin's PanelPage uses
 * 127.0.0.1: another origin, so the two logins never mix), in a language, optionally at a size.
 */
export async function operatorPanel(
  context: BrowserContext,
  port: number,
  who: { email: string; password: string },
  opts: { viewport?: { width: number; height: number }; ru?: boolean } = {},
): Promise<Page> {
  const page = await context.newPage()
  await page.addInitScript(`localStorage.setItem('parley:lang', '${opts.ru ? 'ru' : 'en'}')`)
  if (opts.viewport) await page.setViewportSize(opts.viewport)
  await page.goto(`http://localhost:${port}/panel/`)
  await page.locator('.shell, form.card').first().waitFor()
  if (await page.locator('input[type="email"]').isVisible()) {
    await page.locator('input[type="email"]').fill(who.email)
    await page.locator('input[type="password"]').fill(who.password)
    await page.keyboard.press('Enter')
  }
  await page.locator('.shell[data-connection="connected"]').waitFor()
  return page
}

/** The accessible name of the focused element (its aria-label, else its text). */
export function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement
    return (el?.getAttribute('aria-label') ?? el?.textContent ?? '').trim()
  })
}

/** Presses Tab from the top of the page until the focused element's name matches (at most 60). */
export async function tabTo(page: Page, name: RegExp): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab')
    if (name.test(await focusedName(page))) return
  }
  throw new Error(`no focusable element named ${name} within 60 tabs`)
}
