import { describe, expect, test } from 'bun:test'
import { rmSync } from 'node:fs'
import { tempDir } from '../helpers/server.ts'

const root = new URL('../..', import.meta.url).pathname

/** Runs server/main.ts (what `npm start` runs) as a real process. */
function spawnServer(env: Record<string, string>) {
  return Bun.spawn([process.execPath, 'server/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdout: 'pipe',
    stderr: 'pipe',
  })
}

async function readUntil(
  stream: ReadableStream<Uint8Array>,
  pattern: RegExp,
  timeoutMs = 10_000,
): Promise<string> {
  const reader = stream.getReader()
  const decoder = new TextDecoder()
  let text = ''
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const { value, done } = await Promise.race([
      reader.read(),
      new Promise<{ value: undefined; done: true }>((r) =>
        setTimeout(() => r({ value: undefined, done: true }), deadline - Date.now()),
      ),
    ])
    if (done) break
    text += decoder.decode(value)
    if (pattern.test(text)) break
  }
  reader.releaseLock()
  return text
}

describe('process', () => {
  test('a bad setting stops the start with exit code 2 and a clear message', async () => {
    const dir = tempDir()
    const proc = spawnServer({ DATA_DIR: dir, PORT: 'abc' })
    expect(await proc.exited).toBe(2)
    expect(await new Response(proc.stderr).text()).toContain(
      'PORT: must be a whole number (got "abc")',
    )
    rmSync(dir, { recursive: true, force: true })
  })

  test('a database that cannot be opened stops the start with exit code 1 and a message naming it', async () => {
    const dir = tempDir()
    // Nothing can create a file in /proc, not even root.
    const proc = spawnServer({ DATA_DIR: dir, PORT: '0', DATABASE_URL: 'sqlite:/proc/parley.db' })
    expect(await proc.exited).toBe(1)
    expect(await new Response(proc.stderr).text()).toContain(
      'parley: cannot start: cannot open the SQLite database /proc/parley.db',
    )
    rmSync(dir, { recursive: true, force: true })
  })

  test('starts on embedded SQLite with nothing else running, serves, and exits 0 on SIGTERM', async () => {
    const dir = tempDir()
    const proc = spawnServer({ DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1' })
    try {
      const out = await readUntil(proc.stdout, /server listening/)
      const port = Number(/"port":(\d+)/.exec(out)?.[1])
      expect(port).toBeGreaterThan(0)
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200)
      proc.kill('SIGTERM')
      expect(await proc.exited).toBe(0)
    } finally {
      proc.kill('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
