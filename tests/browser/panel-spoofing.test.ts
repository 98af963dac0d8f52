import { describe, expect, test } from 'bun:test'
import { TestClient } from '../helpers/ws.ts'
import { skipBrowserTests, useServerAndBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F]/

describe.skipIf(skipBrowserTests)('panel spoofing', () => {
  const env = useServerAndBrowser()

  test('panel - bidi controls in a message and an operator name show as markers, a look-alike host as punycode, each isolated', async () => {
    const created = await env.server.http('/api/admin/operators', {
      token: await env.server.adminToken(),
      body: {
        email: 'ann@example.com',
        name: 'Ann\u202Eevil',
        password: 'operator-password-1',
        role: 'operator',
        canChat: true,
      },
    })
    expect(created.status).toBe(201)
    const visitor = await env.server.visitorToken()
    const client = await TestClient.connect(env.server.wsUrl, { token: visitor.token })
    await client.ok({
      type: 'start',
      clientMsgId: 's1',
      text: 'Invoice https://evil.test/\u202Efdp.exe from https://аpple.com/login',
    })
    client.close()

    const panel = await PanelPage.open(env.browser.context, env.server.url)
    await panel.rows.first().click()
    const text = panel.message('Invoice').locator('.text')
    await text.waitFor()
    // Raw, the RLO would show the first link ending in "exe.pdf"; the Cyrillic "а" as apple.com.
    expect(await text.innerText()).toBe(
      'Invoice https://evil.test/⟨RLO⟩fdp.exe from https://xn--pple-43d.com/login',
    )
    const links = text.locator('a')
    expect(await links.nth(0).getAttribute('title')).toBe('https://evil.test/%E2%80%AEfdp.exe')
    expect(await links.nth(1).getAttribute('href')).toBe('https://xn--pple-43d.com/login')
    expect(await links.nth(1).getAttribute('title')).toBe('https://xn--pple-43d.com/login')
    expect(await text.getAttribute('dir')).toBe('auto')
    expect(await text.evaluate((el) => getComputedStyle(el).unicodeBidi)).toBe('isolate')

    await panel.page.getByRole('button', { name: 'Operators' }).click()
    const name = panel.page.locator('tr[data-operator="ann@example.com"] td').first()
    expect(await name.innerText()).toBe('Ann⟨RLO⟩evil')
    expect(await name.locator('bdi').getAttribute('dir')).toBe('auto')
    expect(BIDI_CONTROLS.test(await panel.page.locator('body').innerText())).toBe(false)
    await panel.page.close()
  }, 60_000)
})
