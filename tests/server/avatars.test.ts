/**
 * Operators' pictures through the real server: an operator uploads one (any common image, cut
 * to a 256 px WebP square without metadata), visitors of the inbox see its id with the name and
 * load it from a URL cached for good; a new picture or a removal deletes the old bytes; an admin
 * sets anyone's; bad files and wrong callers change nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import sharp from 'sharp'
import { httpStart } from '../helpers/http.ts'
import { Observer, openTab } from '../helpers/routing.ts'
import { useServers } from '../helpers/lifecycle.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'

// One server for the file; `u` only closes each test's sockets.
const u = useServers()
let s: TestServer

beforeAll(async () => {
  s = await startTestServer()
})
afterAll(async () => {
  await s.stop()
})

/** A real JPEG with camera EXIF, wider than tall. */
async function photo(width = 900, height = 600): Promise<Uint8Array> {
  const jpeg = await sharp({
    create: { width, height, channels: 3, background: { r: 200, g: 80, b: 40 } },
  })
    .withExif({ IFD0: { Make: 'TestPhone', Model: 'X' } })
    .jpeg()
    .toBuffer()
  return new Uint8Array(jpeg)
}

async function put(path: string, token: string, bytes: Uint8Array | string, name = 'me.jpg') {
  const form = new FormData()
  form.append('file', new File([bytes as BlobPart], name, { type: 'image/jpeg' }))
  const res = await fetch(`${s.url}${path}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  })
  return { status: res.status, body: (await res.json()) as Record<string, any> }
}

async function picture(avatarId: string) {
  const res = await fetch(`${s.url}/api/avatars/${avatarId}`)
  return {
    status: res.status,
    headers: res.headers,
    bytes: new Uint8Array(await res.arrayBuffer()),
  }
}

describe('avatars (who answers)', () => {
  test('avatars - an operator uploads a picture: a 256 px WebP square without metadata, cached for good, named to visitors', async () => {
    const inboxId = await s.defaultInboxId()
    const anna = await s.operator({ inboxIds: [inboxId] })
    const set = await put('/api/me/avatar', anna.token, await photo())
    expect(set.status).toBe(200)
    const avatarId = set.body.avatarId as string
    expect(avatarId).toMatch(/^[0-9a-f-]{36}$/)

    const got = await picture(avatarId)
    expect(got.status).toBe(200)
    expect(got.headers.get('content-type')).toBe('image/webp')
    expect(got.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(got.headers.get('x-content-type-options')).toBe('nosniff')
    const meta = await sharp(got.bytes).metadata()
    expect(meta).toMatchObject({ format: 'webp', width: 256, height: 256 })
    expect(meta.exif).toBeUndefined()

    // The visitor whose conversation she answers sees her picture with her name.
    const obs = await Observer.create(u, s)
    await openTab(u, s, anna.token)
    const conv = await httpStart(s, undefined, 'hello')
    await obs.assigned(conv.id, anna.id)
    const names = await s.http(`/api/conversations/${conv.id}/operators?ids=${anna.id}`, {
      token: conv.token,
    })
    expect(names.body.operators).toEqual([{ id: anna.id, name: expect.any(String), avatarId }])

    // A new picture gets a new id; the old bytes are gone. Removing it goes back to initials.
    const again = await put('/api/me/avatar', anna.token, await photo(300, 500))
    expect(again.status).toBe(200)
    expect(again.body.avatarId).not.toBe(avatarId)
    expect((await picture(avatarId)).status).toBe(404)
    const removed = await s.http('/api/me/avatar', { method: 'DELETE', token: anna.token })
    expect(removed.status).toBe(200)
    expect(removed.body.avatarId).toBeNull()
    expect((await picture(again.body.avatarId)).status).toBe(404)
  })

  test("avatars - an admin sets and removes anyone's; others may not", async () => {
    const admin = await s.adminToken()
    const bob = await s.operator()
    const carol = await s.operator()
    const byAdmin = await put(`/api/admin/operators/${bob.id}/avatar`, admin, await photo())
    expect(byAdmin.status).toBe(200)
    const bobAvatar = byAdmin.body.avatarId as string
    expect(byAdmin.body.id).toBe(bob.id)
    expect(bobAvatar).toBeString()
    const listed = await s.http('/api/admin/operators', { token: admin })
    const row = listed.body.operators.find((o: { id: string }) => o.id === bob.id)
    expect(row.avatarId).toBe(bobAvatar)

    const notAdmin = await put(`/api/admin/operators/${bob.id}/avatar`, carol.token, await photo())
    expect(notAdmin.status).toBe(403)
    const unknown = await put('/api/admin/operators/no-such-operator/avatar', admin, await photo())
    expect(unknown.status).toBe(404)
    const { token: visitor } = await s.visitorToken()
    expect((await put('/api/me/avatar', visitor, await photo())).status).toBe(403)
    expect((await put('/api/me/avatar', 'not-a-token', await photo())).status).toBe(401)

    const gone = await s.http(`/api/admin/operators/${bob.id}/avatar`, {
      method: 'DELETE',
      token: admin,
    })
    expect(gone.body.avatarId).toBeNull()
    expect((await picture(bobAvatar)).status).toBe(404)
  })

  test('avatars - a file that is not an image, a broken image or one too large is refused and changes nothing', async () => {
    const dan = await s.operator()
    const first = await put('/api/me/avatar', dan.token, await photo())
    expect(first.status).toBe(200)
    const refusals: Array<[Uint8Array | string, number]> = [
      ['just some text, named .jpg', 415],
      [new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70, 0, 1, 2, 3]), 422],
      [new Uint8Array(6 * 1024 * 1024).fill(7), 413],
    ]
    for (const [bytes, status] of refusals) {
      const res = await put('/api/me/avatar', dan.token, bytes)
      expect(res.status).toBe(status)
      expect(res.body.error.code).toBeString()
    }
    const me = await s.http('/api/admin/operators', { token: await s.adminToken() })
    const row = me.body.operators.find((o: { id: string }) => o.id === dan.id)
    expect(row.avatarId).toBe(first.body.avatarId)
    expect((await picture(first.body.avatarId)).status).toBe(200)

    expect((await picture('0190c4c2-0000-7000-8000-000000000000')).status).toBe(404)
    expect((await picture('..%2F..%2Fetc')).status).toBe(404)
  })
})
