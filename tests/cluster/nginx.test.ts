/**
 * deploy/nginx.conf in front of three real nodes: plain HTTP, the WebSocket at /ws and SSE
 * sessions under /rt/ all work through it, requests are spread over the nodes, and a node
 * that dies is routed around.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  httpJson,
  renderNginxConf,
  startNginx,
  useCluster,
  withClusterServices,
  type Nginx,
} from '../helpers/cluster.ts'
import { findBinary } from '../helpers/nats.ts'
import { NGINX_CONF } from '../helpers/nginx.ts'
import { TestClient, type Frame } from '../helpers/ws.ts'

await withClusterServices('nginx in front of the cluster', { nginx: true }, () => {
  describe('nginx in front of the cluster', () => {
    const cluster = useCluster({ nodes: 3 })
    let nginx: Nginx | null = null
    const proxy = (): Nginx => {
      if (!nginx) throw new Error('nginx did not start (see beforeAll)')
      return nginx
    }

    beforeAll(async () => {
      nginx = await startNginx({ upstreams: cluster().nodes.map((n) => `127.0.0.1:${n.port}`) })
    }, 20_000)
    afterAll(async () => {
      await nginx?.stop()
    }, 20_000)

    test('nginx - the shipped deploy/nginx.conf passes nginx -t as it is', () => {
      const prefix = mkdtempSync(join(tmpdir(), 'parley-nginx-t-'))
      try {
        const args = ['-t', '-p', `${prefix}/`, '-c', NGINX_CONF, '-e', 'stderr']
        const result = spawnSync(findBinary('nginx') ?? 'nginx', args, {
          encoding: 'utf8',
          timeout: 10_000,
        })
        expect(`${result.stderr}`).toContain('test is successful')
        expect(result.status).toBe(0)
      } finally {
        rmSync(prefix, { recursive: true, force: true })
      }
    }, 15_000)

    test('nginx - rendering puts the given upstreams in every upstream block', () => {
      const conf = renderNginxConf({ listen: 9999, upstreams: ['10.0.0.1:1', '10.0.0.2:2'] })
      expect(conf).toContain('listen 127.0.0.1:9999;')
      expect(conf.match(/server 10\.0\.0\.1:1 max_fails=\d+ fail_timeout=\w+;/g)).toHaveLength(2)
      expect(conf.match(/server 10\.0\.0\.2:2 max_fails=\d+ fail_timeout=\w+;/g)).toHaveLength(2)
      expect(conf).not.toContain(':3001')
    })

    test('nginx - GET /api answers through the proxy', async () => {
      const res = await httpJson(proxy().url, '/api')
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({ name: 'parley', websocket: '/ws' })
      expect(res.headers.get('x-parley-upstream')).toMatch(/^127\.0\.0\.1:\d+$/)
    }, 15_000)

    test('nginx - plain requests are spread over every node', async () => {
      const ports = new Set<string>()
      for (let i = 0; i < 9; i++) {
        const res = await httpJson(proxy().url, '/api')
        expect(res.status).toBe(200)
        ports.add(res.headers.get('x-parley-upstream') ?? '')
      }
      expect([...ports].sort()).toEqual(
        cluster()
          .nodes.map((n) => `127.0.0.1:${n.port}`)
          .sort(),
      )
    }, 15_000)

    test('nginx - a WebSocket at /ws authenticates and is answered', async () => {
      const { token } = await cluster().visitorToken()
      const ws = await TestClient.connect(`ws://127.0.0.1:${proxy().port}/ws`, { token })
      try {
        const pong = await ws.request({ type: 'ping' })
        expect(pong.type).toBe('pong')
        const started = await ws.request({ type: 'start', text: 'via nginx', clientMsgId: 'n1' })
        expect(started.type).toBe('ack')
        expect(started.data.conversation.id).toBeString()
      } finally {
        ws.close()
      }
    }, 15_000)

    test('nginx - an SSE session streams its first frame and answers a posted ping', async () => {
      const { token } = await cluster().visitorToken()
      const base = proxy().url
      const created = await httpJson(base, '/rt/sessions', { body: { transport: 'sse' }, token })
      expect(created.status).toBe(201)
      const path = `/rt/sessions/${created.body.sessionId}`
      const stream = await SseReader.open(`${base}${path}/events`, token)
      try {
        // The first frame is sent at once: no buffering on the way.
        expect(await stream.until((text) => text.includes('retry: 2000'), 5_000)).toBe(true)
        // The POSTed frame must reach the node holding the session (/rt/ goes by client).
        const posted = await httpJson(base, `${path}/frames`, {
          body: { type: 'ping', req: 'p1' },
          token,
        })
        expect(posted.status).toBe(202)
        const pong = await stream.frame((f) => f.type === 'pong' && f.req === 'p1', 5_000)
        expect(pong).not.toBeNull()
      } finally {
        stream.close()
      }
    }, 15_000)

    test('nginx - a killed node is routed around', async () => {
      const victim = cluster().nodes[2]
      if (!victim) throw new Error('three nodes expected')
      await victim.kill9()
      const served = new Set<string>()
      for (let i = 0; i < 9; i++) {
        const res = await httpJson(proxy().url, '/api')
        expect(res.status).toBe(200)
        // After a failed try, $upstream_addr lists every node tried: the last one answered.
        served.add((res.headers.get('x-parley-upstream') ?? '').split(', ').at(-1) ?? '')
      }
      expect(served.has(`127.0.0.1:${victim.port}`)).toBe(false)
      expect(served.size).toBe(2)
      const { token } = await cluster().visitorToken()
      const ws = await TestClient.connect(`ws://127.0.0.1:${proxy().port}/ws`, { token })
      ws.close()
    }, 20_000)
  })
})

/** Reads an SSE response as text as it arrives; `frame` parses its `data:` lines. */
class SseReader {
  text = ''
  private readonly abort = new AbortController()

  static async open(url: string, token: string): Promise<SseReader> {
    const reader = new SseReader()
    const res = await fetch(url, {
      headers: { authorization: `Bearer ${token}` },
      signal: reader.abort.signal,
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toStartWith('text/event-stream')
    if (!res.body) throw new Error('no body')
    void reader.read(res.body.getReader())
    return reader
  }

  private async read(body: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder()
    try {
      for (;;) {
        const { done, value } = await body.read()
        if (done) return
        this.text += decoder.decode(value, { stream: true })
      }
    } catch {
      // aborted by close()
    }
  }

  /** Whether `check(text so far)` turns true within `timeoutMs`. */
  async until(check: (text: string) => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    while (!check(this.text)) {
      if (Date.now() > deadline) return false
      await Bun.sleep(20)
    }
    return true
  }

  /** The first `data:` frame matching, or null when none comes within `timeoutMs`. */
  async frame(match: (f: Frame) => boolean, timeoutMs: number): Promise<Frame | null> {
    let found: Frame | null = null
    await this.until((text) => {
      for (const line of text.split('\n')) {
        if (!line.startsWith('data: ')) continue
        const frame = JSON.parse(line.slice(6)) as Frame
        if (match(frame)) {
          found = frame
          return true
        }
      }
      return false
    }, timeoutMs)
    return found
  }

  close(): void {
    this.abort.abort()
  }
}
