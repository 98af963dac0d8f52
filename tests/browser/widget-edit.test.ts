import { describe, expect, test } from 'bun:test'
import { connectOperator, skipBrowserTests, Widget, useServerAndBrowser } from './harness.ts'

describe.skipIf(skipBrowserTests)('widget edit', () => {
  const env = useServerAndBrowser()

  test('widget - the visitor edits a message the operator has not read; once read, the edit is refused and the UI says so', async () => {
    const operator = await connectOperator(env.server)
    const widget = await Widget.open(env.browser.context, `${env.server.url}/`)
    await widget.openChat()
    await widget.send('I ordered 2 bags')
    const conversationId = await operator.conversation()
    const original = await operator.message(conversationId, 'I ordered 2 bags')

    const row = widget.message('I ordered 2 bags')
    await row.hover()
    await row.getByRole('button', { name: 'Edit' }).click()
    expect(await widget.input.inputValue()).toBe('I ordered 2 bags')
    await widget.input.fill('I ordered 3 bags')
    await widget.input.press('Enter')
    await widget.message('I ordered 3 bags').getByText('edited').waitFor()
    const updated = await operator.client.next(
      (f) => f.name === 'message.updated' && f.data.message.text === 'I ordered 3 bags',
    )
    expect(updated.data.message.id).toBe(original.data.message.id)

    // The visitor starts another edit; meanwhile the operator reads the message.
    const edited = widget.message('I ordered 3 bags')
    await edited.hover()
    await edited.getByRole('button', { name: 'Edit' }).click()
    await widget.input.fill('I ordered 4 bags')
    await operator.client.ok({ type: 'read', conversationId, seq: original.seq })
    await widget.waitStatus('I ordered 3 bags', 'read')

    await widget.input.press('Enter')
    const notice = widget.frame.getByRole('alert')
    await notice.waitFor()
    expect(await notice.innerText()).toContain('already read this message')
    expect(await widget.message('I ordered 3 bags').count()).toBe(1)
    expect(await widget.message('I ordered 4 bags').count()).toBe(0)
    // Read messages offer no edit or delete any more.
    expect(await edited.getByRole('button', { name: 'Edit' }).count()).toBe(0)
    expect(await edited.getByRole('button', { name: 'Delete' }).count()).toBe(0)
    await widget.page.close()
    operator.client.close()
  }, 60_000)

  test('widget - the visitor deletes an unread message; it shows as deleted on both sides', async () => {
    const operator = await connectOperator(env.server)
    const widget = await Widget.open(env.browser.context, `${env.server.url}/`)
    await widget.openChat()
    await widget.send('Please ignore this one')
    const conversationId = await operator.conversation()
    await operator.message(conversationId, 'Please ignore this one')
    const row = widget.message('Please ignore this one')
    await row.hover()
    await row.getByRole('button', { name: 'Delete' }).click()
    await widget.frame.getByText('Message deleted').waitFor()
    await operator.client.next(
      (f) => f.name === 'message.updated' && f.data.message.deletedAt !== null,
    )
    await widget.page.close()
    operator.client.close()
  }, 60_000)
})
