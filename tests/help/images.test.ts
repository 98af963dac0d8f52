/**
 * Images in help-center articles through the real server (issue 21): uploaded per portal by
 * whoever may write its articles (checked by their bytes, stored without metadata in the
 * attachments' storage), shown by the public site and the widget from a public address cached
 * for good; an article may show only its own portal's images and the shared ones; other images
 * (another inbox's, a conversation's attachment, another site's) never become an <img>; uploads
 * no saved article showed are removed a day later. Runs on SQLite, and on Postgres with
 * PARLEY_TEST_DB=postgres.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import sharp from 'sharp'
import { FakeClock } from '../../actors/index.ts'
import { ADMIN, startTestServer, type TestServer } from '../helpers/server.ts'

const DAY = 86_400_000
const clock = new FakeClock()
let s: TestServer
let admin: string
let inbox: string
let other: string

beforeAll(async () => {
  s = await startTestServer({ clock })
  admin = await s.adminToken()
  inbox = await s.defaultInboxId()
  other = (await s.http('/api/admin/inboxes', { token: admin, body: { name: 'Other' } })).body
    .id as string
})
afterAll(async () => {
  await s.stop()
})

/** A real JPEG with camera EXIF. */
async function photo(): Promise<Uint8Array> {
  const jpeg = await sharp({
    create: { width: 320, height: 200, channels: 3, background: { r: 30, g: 120, b: 200 } },
  })
    .withExif({ IFD0: { Make: 'TestPhone', Model: 'X' } })
    .jpeg()
    .toBuffer()
  return new Uint8Array(jpeg)
}

async function upload(
  portal: string,
  token: string | null,
  bytes: Uint8Array | string,
  name = 'card-form.jpg',
) {
  const form = new FormData()
  form.append('file', new File([bytes as BlobPart], name, { type: 'image/jpeg' }))
  const res = await fetch(`${s.url}/api/help/images?portal=${portal}`, {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: form,
  })
  return { status: res.status, body: (await res.json()) as Record<string, any> }
}

async function image(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${s.url}${path}`, { headers })
  return {
    status: res.status,
    headers: res.headers,
    bytes: new Uint8Array(await res.arrayBuffer()),
  }
}

async function article(token: string, body: Record<string, unknown>) {
  return s.http('/api/help/articles', { token, body: { language: 'en', ...body } })
}

describe('help center - images', () => {
  test('help images - an admin uploads an image; the article shows it on the site and in the widget, from an address cached for good, without its metadata', async () => {
    const up = await upload(inbox, admin, await photo())
    expect(up.status).toBe(201)
    const img = up.body.image
    expect(img).toMatchObject({
      inboxId: inbox,
      name: 'card-form.jpg',
      contentType: 'image/jpeg',
      width: 320,
      height: 200,
      url: `/help/images/${img.id}`,
    })

    const got = await image(img.url)
    expect(got.status).toBe(200)
    expect(got.headers.get('content-type')).toBe('image/jpeg')
    expect(got.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(got.headers.get('x-content-type-options')).toBe('nosniff')
    expect(got.headers.get('content-security-policy')).toContain('sandbox')
    expect((await sharp(got.bytes).metadata()).exif).toBeUndefined()
    const again = await image(img.url, { 'if-none-match': got.headers.get('etag') ?? '' })
    expect(again.status).toBe(304)

    const created = await article(admin, {
      portal: inbox,
      title: 'Paying by card',
      status: 'published',
      body: `Fill in the form:\n\n![The card form](${img.url})\n\nThen press **Pay**.`,
    })
    expect(created.status).toBe(201)
    const site = await fetch(`${s.url}/help/${inbox}/en/articles/paying-by-card`)
    const page = await site.text()
    expect(site.status).toBe(200)
    expect(page).toContain(`<img src="${img.url}" alt="The card form"`)
    const widget = await s.http(
      `/api/visitor/help/articles/paying-by-card?inbox=${inbox}&language=en`,
    )
    expect(widget.status).toBe(200)
    expect(widget.body.html).toContain(`<img src="${img.url}" alt="The card form"`)
    // Used: the cleanup of abandoned uploads leaves it alone (and a day later: the last test).
    await s.sweepHelpImages()
    expect((await image(img.url)).status).toBe(200)
  })

  test("help images - an article shows only its portal's images and the shared ones; another inbox's is refused and nothing is saved", async () => {
    const mine = (await upload(inbox, admin, await photo())).body.image
    const theirs = (await upload(other, admin, await photo())).body.image
    const shared = (await upload('shared', admin, await photo())).body.image

    const refused = await article(admin, {
      portal: inbox,
      title: 'Borrowed picture',
      body: `![theirs](${theirs.url})`,
    })
    expect(refused.status).toBe(422)
    expect(refused.body.error).toMatchObject({ code: 'validation_failed' })
    expect(refused.body.error.message).toContain(theirs.id)
    const list = await s.http(`/api/help/articles?portal=${inbox}&language=en`, { token: admin })
    expect(list.body.articles.map((a: any) => a.title)).not.toContain('Borrowed picture')

    const ok = await article(admin, {
      portal: inbox,
      title: 'Own and shared pictures',
      body: `![mine](${mine.url})\n\n![shared](${shared.url})`,
    })
    expect(ok.status).toBe(201)
    // An edit that adds another inbox's image changes nothing.
    const edit = await s.http(`/api/help/articles/${ok.body.id}`, {
      token: admin,
      method: 'PATCH',
      body: { fromRevision: 1, body: `![mine](${mine.url}) ![theirs](${theirs.url})` },
    })
    expect(edit.status).toBe(422)
    const after = await s.http(`/api/help/articles/${ok.body.id}`, { token: admin })
    expect(after.body).toMatchObject({ revision: 1 })
    expect(after.body.body).not.toContain(theirs.id)

    // A shared article is shown in every portal: only shared images.
    const sharedArticle = await article(admin, {
      portal: 'shared',
      title: 'Shared with an inbox picture',
      body: `![mine](${mine.url})`,
    })
    expect(sharedArticle.status).toBe(422)
    // An address in code is text, not an image: nothing to check.
    const inCode = await article(admin, {
      portal: inbox,
      title: 'Markdown of images',
      body: `Write \`![alt](${theirs.url})\` to show a picture.`,
    })
    expect(inCode.status).toBe(201)
  })

  test("help images - another site's picture, a conversation's attachment and an unknown image address never become an <img>", async () => {
    const res = await article(admin, {
      portal: inbox,
      title: 'Foreign pictures',
      status: 'published',
      body: [
        '![tracker](https://evil.example/pixel.png)',
        `![file](/api/conversations/${inbox}/attachments/0190a0b0-0000-7000-8000-000000000001)`,
        '![up](/help/images/../../etc/passwd)',
        '![js](javascript:alert(1))',
      ].join('\n\n'),
    })
    expect(res.status).toBe(201)
    const page = await (await fetch(`${s.url}/help/${inbox}/en/articles/foreign-pictures`)).text()
    const body = page.slice(page.indexOf('<article'))
    expect(body).not.toContain('<img')
    expect(body).toContain('[image: tracker]')
    expect(body).not.toContain('evil.example')
    // A well-formed address of no image is a 404, like any other missing one.
    expect((await image('/help/images/0190a0b0-0000-7000-8000-00000000dead')).status).toBe(404)
    expect((await image('/help/images/..%2F..%2Fetc%2Fpasswd')).status).toBe(404)
  })

  test('help images - bad files and callers who may not write the portal are refused and store nothing', async () => {
    const supervisor = await s.operator({ inboxIds: [inbox], role: 'supervisor' })
    const operator = await s.operator({ inboxIds: [inbox] })
    const before = await s.store.help.unusedImages(Number.MAX_SAFE_INTEGER, 1000)

    expect((await upload(inbox, null, await photo())).status).toBe(401)
    expect((await upload(inbox, operator.token, await photo())).status).toBe(403)
    expect((await upload(other, operator.token, await photo())).status).toBe(403)
    expect((await upload('shared', operator.token, await photo())).status).toBe(403)
    expect((await upload('not-an-inbox', admin, await photo())).status).toBe(404)
    const text = await upload(inbox, admin, 'just some words\n', 'notes.jpg')
    expect(text.status).toBe(415)
    const svg = await upload(
      inbox,
      admin,
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      'x.svg',
    )
    expect(svg.status).toBe(415)
    const big = new Uint8Array(10 * 1024 * 1024 + 1)
    big.set(await photo())
    expect((await upload(inbox, admin, big, 'big.jpg')).status).toBe(413)
    const broken = await photo()
    expect((await upload(inbox, admin, broken.slice(0, 200), 'cut.jpg')).status).toBe(422)

    const after = await s.store.help.unusedImages(Number.MAX_SAFE_INTEGER, 1000)
    expect(after.length).toBe(before.length)
    // A supervisor of the inbox may.
    expect((await upload(inbox, supervisor.token, await photo())).status).toBe(201)
  })

  test('help images - an upload no saved article showed is removed a day later, bytes and all; one shown once stays', async () => {
    const abandoned = (await upload(inbox, admin, await photo())).body.image
    const kept = (await upload(inbox, admin, await photo())).body.image
    const draft = await article(admin, {
      portal: inbox,
      title: 'Shown once',
      body: `![kept](${kept.url})`,
    })
    expect(draft.status).toBe(201)
    // The picture is taken out again: a revision still shows it, so it stays.
    const edit = await s.http(`/api/help/articles/${draft.body.id}`, {
      token: admin,
      method: 'PATCH',
      body: { fromRevision: 1, body: 'No picture now.' },
    })
    expect(edit.status).toBe(200)

    await clock.advance(DAY / 2)
    expect(await s.sweepHelpImages()).toBe(0)
    expect((await image(abandoned.url)).status).toBe(200)
    await clock.advance(DAY / 2 + 1000)
    expect(await s.sweepHelpImages()).toBeGreaterThanOrEqual(1)
    expect((await image(abandoned.url)).status).toBe(404)
    expect((await image(kept.url)).status).toBe(200)
    // A day passed: the admin's session ended; a new one.
    admin = (await s.http('/api/auth/login', { body: ADMIN })).body.token as string
    // An article saved with a removed image is told so.
    const late = await article(admin, {
      portal: inbox,
      title: 'Too late',
      body: `![gone](${abandoned.url})`,
    })
    expect(late.status).toBe(422)
    // Restoring the revision that showed the kept one works.
    const restored = await s.http(`/api/help/articles/${draft.body.id}/revisions/1/restore`, {
      token: admin,
      body: { fromRevision: 2 },
    })
    expect({ status: restored.status, body: restored.body }).toMatchObject({ status: 200 })
    expect(restored.body.body).toContain(kept.url)
  })
})
