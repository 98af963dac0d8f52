/**
 * The widget's look per inbox (customization) through the real server: the admin sets title,
 * accent, position, launcher label, language and what the widget shows; an accent that white
 * text cannot be read on (below WCAG AA, 4.5:1) is refused with the measured ratio; the widget
 * reads it all from the availability answer, the title in its language (else English, else
 * the inbox's name), so renaming the inbox reaches visitors.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { contrastWithWhite } from '../../protocol/limits.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'

let s: TestServer

beforeAll(async () => {
  s = await startTestServer()
})
afterAll(async () => {
  await s.stop()
})

async function patchInbox(body: unknown) {
  return s.http(`/api/admin/inboxes/${await s.defaultInboxId()}`, {
    method: 'PATCH',
    token: await s.adminToken(),
    body,
  })
}

async function appearance(lang: 'en' | 'ru' = 'en') {
  const res = await s.http(
    `/api/visitor/availability?inboxId=${await s.defaultInboxId()}&lang=${lang}`,
  )
  return res.body.appearance as Record<string, unknown>
}

describe('widget appearance (customization)', () => {
  test('appearance - WCAG contrast of white text: the measured ratios', () => {
    expect(contrastWithWhite('#ffffff')).toBeCloseTo(1, 5)
    expect(contrastWithWhite('#000000')).toBeCloseTo(21, 5)
    // The default accent and two near the line.
    expect(contrastWithWhite('#4f46e5')).toBeGreaterThan(6)
    expect(contrastWithWhite('#767676')).toBeGreaterThanOrEqual(4.5)
    expect(contrastWithWhite('#777777')).toBeLessThan(4.5)
  })

  test('appearance - set by the admin, read by the widget; the title follows the inbox name unless set', async () => {
    expect(await appearance()).toMatchObject({
      title: 'Default inbox',
      accentColor: '#4f46e5',
      position: 'right',
      launcherLabel: '',
      language: 'auto',
      showReplyTime: true,
      showQueuePosition: true,
    })
    expect((await patchInbox({ name: 'Coffee Club' })).status).toBe(200)
    expect((await appearance()).title).toBe('Coffee Club')

    const set = await patchInbox({
      settings: {
        appearance: {
          title: { en: 'Coffee help', ru: '' },
          accentColor: '#0B5394',
          position: 'left',
          launcherLabel: { en: 'Chat with us', ru: 'Напишите нам' },
          showReplyTime: false,
        },
      },
    })
    expect(set.status).toBe(200)
    expect(set.body.settings.appearance).toMatchObject({
      accentColor: '#0b5394',
      language: 'auto',
      showQueuePosition: true,
    })
    expect(await appearance('en')).toMatchObject({
      title: 'Coffee help',
      accentColor: '#0b5394',
      position: 'left',
      launcherLabel: 'Chat with us',
      showReplyTime: false,
    })
    // No Russian title: the English one, as with every admin text; neither: the inbox's name.
    expect(await appearance('ru')).toMatchObject({
      title: 'Coffee help',
      launcherLabel: 'Напишите нам',
    })
    await patchInbox({ settings: { appearance: { title: { en: '', ru: '' } } } })
    expect((await appearance('ru')).title).toBe('Coffee Club')
    // A later patch changes only what it names.
    await patchInbox({ settings: { appearance: { language: 'ru' } } })
    expect(await appearance()).toMatchObject({ language: 'ru', position: 'left' })
  })

  test('appearance - unreadable accents and bad values are refused and change nothing', async () => {
    const before = await appearance()
    const yellow = await patchInbox({ settings: { appearance: { accentColor: '#ffd700' } } })
    expect(yellow.status).toBe(422)
    expect(yellow.body.error.message).toMatch(/contrast 1\.\d\d:1; WCAG AA needs 4\.5:1/)
    // The refusal names the very field, so the settings form can mark it.
    expect(yellow.body.error.message).toStartWith('body.settings.appearance.accentColor: ')
    const title = await patchInbox({
      settings: { appearance: { title: { en: 'x'.repeat(81), ru: '' } } },
    })
    expect(title.body.error.message).toStartWith('body.settings.appearance.title.en: ')
    for (const bad of [
      { accentColor: 'red' },
      { accentColor: '#12345' },
      { position: 'top' },
      { language: 'de' },
      { title: { en: 'x'.repeat(81), ru: '' } },
      { launcherLabel: { en: 'ok' } },
      { showReplyTime: 'yes' },
      { font: 'Comic Sans' },
    ]) {
      const res = await patchInbox({ settings: { appearance: bad } })
      expect(res.status).toBe(422)
    }
    expect(await appearance()).toEqual(before)
  })
})
