import { describe, expect, test } from 'bun:test'
import { startTestServer } from '../helpers/server.ts'
import { skipBrowserTests, until, Widget, useServerAndBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

describe.skipIf(skipBrowserTests)('panel restart', () => {
  const env = useServerAndBrowser()

  test('panel - widget and panel both survive a server restart: nothing lost, nothing duplicated', async () => {
    const panel = await PanelPage.open(env.browser.context, env.server.url)
    const widget = await Widget.open(env.browser.context, `${env.server.url}/`)
    await widget.openChat()
    await widget.send('Before the restart')
    await panel.rows.first().click()
    await panel.message('Before the restart').waitFor()
    await panel.send('Reply one')
    await widget.message('Reply one').waitFor()

    // Same data, same port: the pages' URLs stay valid across the restart.
    const { port, dataDir } = env.server
    await env.server.stop({ keepData: true })
    await panel.page.locator('.shell:not([data-connection="connected"])').waitFor()
    await until(
      async () => (await widget.root.getAttribute('data-connection')) !== 'connected',
      'the widget to notice the outage',
    )
    await widget.send('Visitor typed during the outage')
    await panel.send('Operator typed during the outage')
    await panel.waitStatus('Operator typed during the outage', 'pending')

    env.server = await startTestServer({ dataDir, env: { PORT: String(port) } })
    await panel.connected(20_000)
    // Stored (the panel may already have read it: sent, delivered or read, not pending).
    await widget.frame
      .locator('.list .row:not([data-status="pending"])', {
        hasText: 'Visitor typed during the outage',
      })
      .waitFor({ timeout: 20_000 })
    await panel.message('Visitor typed during the outage').waitFor({ timeout: 20_000 })
    await widget.message('Operator typed during the outage').waitFor({ timeout: 20_000 })
    await panel.send('Reply two')
    await widget.message('Reply two').waitFor()

    const expected = [
      'Before the restart',
      'Reply one',
      'Visitor typed during the outage',
      'Operator typed during the outage',
      'Reply two',
    ]
    const sorted = (list: string[]) => [...list].sort()
    // Both outage messages raced each other; each side shows every message exactly once.
    await until(async () => (await panel.texts()).length === 5, 'five messages in the panel')
    expect(sorted(await panel.texts())).toEqual(sorted(expected))
    expect(sorted(await widget.texts())).toEqual(sorted(expected))
    expect(await panel.texts()).toEqual(await widget.texts())
    await widget.page.close()
    await panel.page.close()
  }, 90_000)
})
