/**
 * A forgotten password in the panel (issue 17, I4), on a real server with a real SMTP server on
 * loopback and PUBLIC_URL set to the server's own address: with the keyboard only, an operator
 * follows "Forgot password?" from the sign-in form, asks for a link (told the same thing as for
 * an address with no account, which gets no e-mail), opens the link from the e-mail, is refused
 * two passwords that differ, chooses a new one, lands on the sign-in form with a notice (the
 * token gone from the address bar), is refused the old password and signs in with the new one;
 * their other session ended; the link works once. Refusals (too many requests, a server that
 * cannot send links, a password the server refuses) read; axe-core finds no serious violation,
 * light and dark, desktop and 375 px; Russian reads (and asks for a Russian e-mail); a server
 * without e-mail offers no link at all.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Locator, Page, Route } from 'playwright-core'
import { freePort } from '../helpers/processes.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { SMTP_PASSWORD, SMTP_USER, startSmtp, type SmtpSink } from '../helpers/smtp.ts'
import { violations } from './axe.ts'
import {
  ensureClientBuilt,
  launchBrowser,
  skipBrowserTests,
  until,
  type TestBrowser,
} from './harness.ts'

const EN = "localStorage.setItem('parley:lang', 'en')"
const RU = "localStorage.setItem('parley:lang', 'ru')"
const PHONE = { width: 375, height: 740 }
const OLD_PASSWORD = 'old-password-1234'
const NEW_PASSWORD = 'new-password-5678'

describe.skipIf(skipBrowserTests)('panel password reset', () => {
  let server: TestServer
  let browser: TestBrowser
  let smtp: SmtpSink

  beforeAll(async () => {
    ensureClientBuilt()
    smtp = await startSmtp()
    // The links in the e-mails name PUBLIC_URL: the server's own address, known beforehand.
    const port = await freePort()
    server = await startTestServer({
      env: {
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(smtp.port),
        SMTP_USER,
        SMTP_PASSWORD,
        SMTP_FROM: 'Parley <parley@shop.example>',
      },
    })
    browser = await launchBrowser()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    await smtp?.stop()
  })

  /** An operator with a known address and password; their session's token. */
  async function operator(email: string): Promise<string> {
    const created = await server.http('/api/admin/operators', {
      token: await server.adminToken(),
      body: { email, name: 'Ada', password: OLD_PASSWORD, role: 'operator', inboxIds: [] },
    })
    expect(created.status).toBe(201)
    const login = await server.http('/api/auth/login', {
      body: { email, password: OLD_PASSWORD },
    })
    expect(login.status).toBe(200)
    return login.body.token as string
  }

  /** The panel's sign-in page in a new tab (no one signed in), or `path` under /panel/. */
  async function open(
    opts: { viewport?: { width: number; height: number }; ru?: boolean; hash?: string } = {},
  ): Promise<Page> {
    const page = await browser.context.newPage()
    await page.addInitScript(`${opts.ru ? RU : EN}; localStorage.removeItem('parley:operator')`)
    if (opts.viewport) await page.setViewportSize(opts.viewport)
    await page.goto(`${server.url}/panel/${opts.hash ?? ''}`)
    return page
  }

  const focused = (locator: Locator) => locator.evaluate((el) => el === document.activeElement)

  /** Presses a button with the keyboard. */
  async function press(page: Page, name: string, scope: Locator = page.locator('body')) {
    const button = scope.getByRole('button', { name, exact: true })
    await button.focus()
    await page.keyboard.press('Enter')
  }

  /** The reset link in the newest e-mail to `to`. */
  async function linkFor(to: string): Promise<string> {
    const [mail] = (await smtp.waitFor((r) => r.some((m) => m.to.includes(to)))).filter((m) =>
      m.to.includes(to),
    )
    const link = /https?:\/\/\S+#reset=[\w-]+/.exec(String(mail!.mail.text))?.[0]
    expect(link).toBeTruthy()
    return link!
  }

  test('password reset - keyboard only: a link asked for (the same answer for an unknown address), opened, two different passwords refused, the new one set; the old one refused, the new one signs in; the link works once', async () => {
    const email = 'ada@example.com'
    const session = await operator(email)
    const page = await open()

    // The sign-in form offers the reset: the server can send links.
    const forgot = page.getByRole('button', { name: 'Forgot password?' })
    await forgot.waitFor()
    await page.getByLabel('Email').fill(email)
    await forgot.focus()
    await page.keyboard.press('Enter')
    const form = page.getByRole('form', { name: 'Forgot your password?' })
    await form.waitFor()
    // The address typed at sign-in comes along, focused.
    const field = form.getByRole('textbox', { name: 'Email' })
    await until(() => focused(field), 'the e-mail field focus')
    expect(await field.inputValue()).toBe(email)
    await page.keyboard.press('Enter')
    const sent = form.getByRole('status')
    await sent
      .getByText('If an account uses this address, we sent a link to it. It works for 30 minutes.')
      .waitFor()
    await until(() => focused(sent), 'the focus on the answer')
    const link = await linkFor(email)
    expect(link.startsWith(`${server.url}/panel/#reset=`)).toBe(true)

    // An address with no account: the very same answer, and no e-mail.
    await press(page, 'Back to sign in', form)
    await until(() => focused(forgot), 'the focus back on the link')
    await page.getByLabel('Email').fill('nobody@example.com')
    await forgot.focus()
    await page.keyboard.press('Enter')
    await until(() => focused(field), 'the e-mail field focus again')
    expect(await field.inputValue()).toBe('nobody@example.com')
    await page.keyboard.press('Enter')
    await sent
      .getByText('If an account uses this address, we sent a link to it. It works for 30 minutes.')
      .waitFor()
    await page.waitForTimeout(500)
    expect(smtp.received.filter((m) => m.to.includes('nobody@example.com'))).toEqual([])
    await page.close()

    // The link: the form for the new password, its field focused.
    const reset = await open({ hash: new URL(link).hash })
    const choose = reset.getByRole('form', { name: 'Choose a new password' })
    await choose.waitFor()
    const next = choose.getByLabel('New password', { exact: true })
    await until(() => focused(next), 'the new password focus')
    await choose.getByText('At least 10 characters.', { exact: false }).waitFor()
    expect(await next.getAttribute('minlength')).toBe('10')
    await reset.keyboard.insertText(NEW_PASSWORD)
    await reset.keyboard.press('Tab')
    await reset.keyboard.insertText(`${NEW_PASSWORD}x`)
    await reset.keyboard.press('Enter')
    await choose.getByRole('alert').getByText('The new passwords do not match.').waitFor()
    const again = choose.getByLabel('New password again')
    await until(() => focused(again), 'the focus on the second field')
    await reset.keyboard.press('Backspace')
    await reset.keyboard.press('Enter')

    // Changed: the sign-in form, with the notice (focused); the token left the address bar.
    const notice = reset.getByRole('status').getByText('Password changed; log in with the new one.')
    await notice.waitFor()
    await until(() => focused(reset.getByRole('status')), 'the notice focus')
    expect(new URL(reset.url()).hash).toBe('')
    // Every session of the operator ended.
    expect((await server.http('/api/auth/me', { token: session })).status).toBe(401)

    // The old password no longer works; the new one does.
    await reset.keyboard.press('Tab')
    await reset.keyboard.insertText(email)
    await reset.keyboard.press('Tab')
    await reset.keyboard.insertText(OLD_PASSWORD)
    await reset.keyboard.press('Enter')
    await reset.getByRole('alert').waitFor()
    expect(await reset.locator('.shell').count()).toBe(0)
    await reset.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD)
    await reset.getByLabel('Password', { exact: true }).press('Enter')
    await reset.locator('.shell[data-connection="connected"]').waitFor()
    await reset.close()

    // The link works once.
    const reuse = await open({ hash: new URL(link).hash })
    const used = reuse.getByRole('form', { name: 'Choose a new password' })
    await used.getByLabel('New password', { exact: true }).fill('yet-another-password')
    await used.getByLabel('New password again').fill('yet-another-password')
    await press(reuse, 'Set the new password', used)
    await used
      .getByRole('alert')
      .getByText('This link is invalid or has expired. Ask for a new one.')
      .waitFor()
    await press(reuse, 'Ask for a new link', used)
    await reuse.getByRole('form', { name: 'Forgot your password?' }).waitFor()
    await reuse.close()
    const login = await server.http('/api/auth/login', {
      body: { email, password: NEW_PASSWORD },
    })
    expect(login.status).toBe(200)
  }, 90_000)

  test('password reset - refusals read: too many requests, a server that cannot send links, a password the server refuses', async () => {
    const page = await open()
    const answers = [
      {
        status: 429,
        json: {
          error: {
            code: 'rate_limited',
            message: 'too many reset requests; try again later',
            retryable: true,
            retryAfterMs: 125_000,
          },
        },
      },
      {
        status: 503,
        json: {
          error: {
            code: 'not_configured',
            message: 'password reset by e-mail is not set up on this server',
            retryable: false,
          },
        },
      },
    ]
    await page.route('**/api/auth/password-reset', (route: Route) =>
      route.request().method() === 'POST' ? route.fulfill(answers.shift()!) : route.fallback(),
    )
    await press(page, 'Forgot password?')
    const form = page.getByRole('form', { name: 'Forgot your password?' })
    await form.getByRole('textbox', { name: 'Email' }).fill('ada@example.com')
    await press(page, 'Send the link', form)
    await form.getByRole('alert').getByText('Too many requests. Try again in 3 minutes.').waitFor()
    await press(page, 'Send the link', form)
    await form
      .getByRole('alert')
      .getByText('This server cannot send reset links. Ask an admin to set a new password for you.')
      .waitFor()
    await page.close()

    const reset = await open({ hash: '#reset=prt_made-up' })
    await reset.route('**/api/auth/password-reset/confirm', (route: Route) =>
      route.fulfill({
        status: 422,
        json: {
          error: {
            code: 'validation_failed',
            message: 'body.newPassword: too common',
            retryable: false,
          },
        },
      }),
    )
    const choose = reset.getByRole('form', { name: 'Choose a new password' })
    await choose.getByLabel('New password', { exact: true }).fill('password1234')
    await choose.getByLabel('New password again').fill('password1234')
    await press(reset, 'Set the new password', choose)
    await choose.getByRole('alert').getByText('too common', { exact: false }).waitFor()
    // Given up: back to the sign-in form, the token gone from the address bar.
    await press(reset, 'Back to sign in', choose)
    await reset.getByRole('button', { name: 'Sign in' }).waitFor()
    expect(new URL(reset.url()).hash).toBe('')
    await reset.close()
  }, 60_000)

  test('password reset - no serious axe violation (sign-in, asking, the answer, the new password refused, the notice), light and dark, desktop and 375 px; Russian reads and asks for a Russian e-mail', async () => {
    const asked: Array<Record<string, unknown>> = []
    for (const scheme of ['light', 'dark'] as const) {
      for (const viewport of [undefined, PHONE]) {
        const ru = scheme === 'dark' && viewport === PHONE
        const where = { scheme, viewport }
        const page = await open({ viewport, ru })
        await page.emulateMedia({ colorScheme: scheme })
        // Answered here: the server's limits are for real requests (the first test's).
        await page.route('**/api/auth/password-reset', (route: Route) => {
          if (route.request().method() !== 'POST') return route.fallback()
          asked.push(route.request().postDataJSON() as Record<string, unknown>)
          return route.fulfill({ status: 202, json: { ok: true } })
        })
        await page
          .getByRole('button', { name: ru ? 'Забыли пароль?' : 'Forgot password?' })
          .waitFor()
        expect({ ...where, signIn: await violations(page) }).toEqual({ ...where, signIn: [] })
        await press(page, ru ? 'Забыли пароль?' : 'Forgot password?')
        const form = page.getByRole('form', {
          name: ru ? 'Забыли пароль?' : 'Forgot your password?',
        })
        await form.waitFor()
        expect({ ...where, ask: await violations(page) }).toEqual({ ...where, ask: [] })
        await form.getByRole('textbox', { name: ru ? 'E-mail' : 'Email' }).fill('ada@example.com')
        await press(page, ru ? 'Отправить ссылку' : 'Send the link', form)
        await form
          .getByText(
            ru
              ? 'Если этот адрес принадлежит учётной записи, мы отправили на него ссылку.'
              : 'If an account uses this address, we sent a link to it.',
            { exact: false },
          )
          .waitFor()
        expect({ ...where, sent: await violations(page) }).toEqual({ ...where, sent: [] })
        expect(asked.at(-1)).toEqual({ email: 'ada@example.com', locale: ru ? 'ru' : 'en' })
        if (viewport) {
          const width = await page.evaluate(() => document.documentElement.scrollWidth)
          expect(width).toBeLessThanOrEqual(375)
        }
        await page.close()

        const reset = await open({ viewport, ru, hash: '#reset=prt_made-up' })
        await reset.emulateMedia({ colorScheme: scheme })
        const choose = reset.getByRole('form', {
          name: ru ? 'Задайте новый пароль' : 'Choose a new password',
        })
        await choose.waitFor()
        expect({ ...where, reset: await violations(reset) }).toEqual({ ...where, reset: [] })
        await choose
          .getByLabel(ru ? 'Новый пароль' : 'New password', { exact: true })
          .fill('a-long-password')
        await choose.getByLabel(ru ? 'Новый пароль ещё раз' : 'New password again').fill('other')
        await press(reset, ru ? 'Сохранить новый пароль' : 'Set the new password', choose)
        await choose.getByRole('alert').waitFor()
        expect({ ...where, refused: await violations(reset) }).toEqual({ ...where, refused: [] })
        // The real server: the made-up token is refused.
        await choose
          .getByLabel(ru ? 'Новый пароль ещё раз' : 'New password again')
          .fill('a-long-password')
        await press(reset, ru ? 'Сохранить новый пароль' : 'Set the new password', choose)
        await choose
          .getByRole('alert')
          .getByText(ru ? 'Ссылка недействительна или устарела.' : 'This link is invalid', {
            exact: false,
          })
          .waitFor()
        // The notice after a change (answered here: no real link to spend).
        await reset.route('**/api/auth/password-reset/confirm', (route: Route) =>
          route.fulfill({ status: 200, json: { ok: true } }),
        )
        await press(reset, ru ? 'Сохранить новый пароль' : 'Set the new password', choose)
        await reset
          .getByText(
            ru
              ? 'Пароль изменён: войдите с новым паролем.'
              : 'Password changed; log in with the new one.',
          )
          .waitFor()
        expect({ ...where, notice: await violations(reset) }).toEqual({ ...where, notice: [] })
        if (viewport) {
          const width = await reset.evaluate(() => document.documentElement.scrollWidth)
          expect(width).toBeLessThanOrEqual(375)
        }
        await reset.close()
      }
    }
  }, 150_000)

  test('password reset - a server that cannot send e-mail offers no link', async () => {
    const plain = await startTestServer()
    try {
      expect((await plain.http('/api/auth/password-reset')).body).toEqual({ available: false })
      const page = await browser.context.newPage()
      await page.addInitScript(EN)
      const asked = page.waitForResponse((r) => r.url().endsWith('/api/auth/password-reset'))
      await page.goto(`${plain.url}/panel/`)
      await page.getByRole('button', { name: 'Sign in' }).waitFor()
      await asked
      await page.waitForTimeout(100)
      expect(await page.getByRole('button', { name: 'Forgot password?' }).count()).toBe(0)
      await page.close()
    } finally {
      await plain.stop()
    }
  }, 60_000)
})
