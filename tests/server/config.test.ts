import { describe, expect, test } from 'bun:test'
import { readFileSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError, loadConfig } from '../../server/config.ts'
import { tempDir } from '../helpers/server.ts'

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig({ DATA_DIR: tempDir(), ...env })
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  return []
}

describe('config', () => {
  test('defaults: port 3000, SQLite under the data folder, single node', () => {
    const dir = tempDir()
    const config = loadConfig({ DATA_DIR: dir })
    expect(config.port).toBe(3000)
    expect(config.databaseUrl).toBe(`sqlite:${join(dir, 'parley.db')}`)
    expect(config.natsUrl).toBeNull()
    expect(config.admin).toBeNull()
    expect(config).toMatchObject({
      maxVisitorConnections: 5,
      maxOperatorConnections: 20,
      heartbeatSec: 30,
      authTimeoutMs: 10_000,
    })
    rmSync(dir, { recursive: true })
  })

  test('a generated secret is kept in the data folder, private, and reused', () => {
    const dir = tempDir()
    const first = loadConfig({ DATA_DIR: dir })
    const second = loadConfig({ DATA_DIR: dir })
    expect(first.secret.length).toBeGreaterThanOrEqual(32)
    expect(second.secret).toBe(first.secret)
    expect(readFileSync(join(dir, 'secret'), 'utf8').trim()).toBe(first.secret)
    expect(statSync(join(dir, 'secret')).mode & 0o077).toBe(0)
    rmSync(dir, { recursive: true })
  })

  test('bad values are refused with a message naming the variable and the value', () => {
    expect(problems({ PORT: 'eighty' })).toEqual(['PORT: must be a whole number (got "eighty")'])
    expect(problems({ PORT: '70000' })[0]).toContain('PORT: must be at most 65535')
    expect(problems({ PARLEY_SECRET: 'short' })[0]).toStartWith(
      'PARLEY_SECRET: must be at least 32 characters',
    )
    expect(problems({ PARLEY_SECRET: 'short' })[0]).not.toContain('short"')
    expect(problems({ ADMIN_EMAIL: 'root@example.com' })).toEqual([
      'ADMIN_EMAIL and ADMIN_PASSWORD: set both or neither',
    ])
    expect(
      problems({ ADMIN_EMAIL: 'not-an-email', ADMIN_PASSWORD: 'long-enough-pw' })[0],
    ).toContain('ADMIN_EMAIL')
    expect(problems({ NATS_URL: 'http://x' })[0]).toContain('NATS_URL: must be a nats:// URL')
    expect(problems({ DATABASE_URL: 'mysql://x' })[0]).toContain('DATABASE_URL')
    expect(problems({ VISITOR_TOKEN_TTL: '90000' })[0]).toContain(
      'VISITOR_TOKEN_TTL: must be at most 86400',
    )
    // Operator sessions live at most 7 days (issue 18): 30 days is refused, not clamped.
    expect(problems({ OPERATOR_SESSION_TTL: String(30 * 86400) })[0]).toContain(
      'OPERATOR_SESSION_TTL: must be at most 604800',
    )
    expect(problems({ OPERATOR_SESSION_TTL: String(7 * 86400) })).toEqual([])
  })

  test("attachment storage: a cluster refuses one node's disk unless the folder is declared shared; s3 needs its keys", () => {
    const cluster = {
      DATA_DIR: tempDir(),
      NATS_URL: 'nats://127.0.0.1:4222',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/parley',
    }
    expect(problems(cluster)[0]).toContain('ATTACHMENT_STORAGE: a cluster cannot keep files')
    const shared = loadConfig({
      ...cluster,
      ATTACHMENT_DIR: '/srv/parley-files',
      ATTACHMENT_DIR_SHARED: 'true',
    })
    expect(shared.attachments.storage).toEqual({ kind: 'disk', dir: '/srv/parley-files' })
    expect(problems({ ATTACHMENT_STORAGE: 's3', S3_BUCKET: 'parley' })).toEqual([
      'S3_ACCESS_KEY_ID: required with ATTACHMENT_STORAGE=s3',
      'S3_SECRET_ACCESS_KEY: required with ATTACHMENT_STORAGE=s3',
    ])
    expect(problems({ S3_BUCKET: 'Not_A_Bucket' })[0]).toContain(
      'S3_BUCKET: must be an S3 bucket name',
    )
    const single = loadConfig({ DATA_DIR: tempDir() })
    expect(single.attachments).toMatchObject({
      storage: { kind: 'disk' },
      uploadTtlMs: 86_400_000,
      graceMs: 3_600_000,
      linkTtlSec: 3600,
    })
  })

  test('cluster settings: NATS_URL needs a shared Postgres; node id, lease TTL and failpoint are checked', () => {
    expect(problems({ NATS_URL: 'nats://127.0.0.1:4222' })).toEqual([
      'NATS_URL: a cluster needs one database shared by every node: set DATABASE_URL to postgres://...',
    ])
    const config = loadConfig({
      DATA_DIR: tempDir(),
      NATS_URL: 'nats://127.0.0.1:4222',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/parley',
      NODE_ID: 'node-1',
      LEASE_TTL_MS: '3000',
      ATTACHMENT_STORAGE: 's3',
      S3_BUCKET: 'parley',
      S3_ACCESS_KEY_ID: 'id',
      S3_SECRET_ACCESS_KEY: 'key',
    })
    expect(config).toMatchObject({ nodeId: 'node-1', leaseTtlMs: 3000, failpoint: null })
    expect(loadConfig({ DATA_DIR: tempDir() }).leaseTtlMs).toBe(5000)
    expect(problems({ NODE_ID: 'node 1' })[0]).toContain('NODE_ID: must be 1-64 letters')
    expect(problems({ LEASE_TTL_MS: '500' })[0]).toContain('LEASE_TTL_MS: must be at least 1000')
    expect(problems({ PARLEY_FAILPOINT: 'crash' })[0]).toContain(
      'PARLEY_FAILPOINT: must be pause-before-write:<text>',
    )
  })

  test('connection limits and liveness timings are read and checked', () => {
    const config = loadConfig({
      DATA_DIR: tempDir(),
      MAX_VISITOR_CONNECTIONS: '2',
      MAX_OPERATOR_CONNECTIONS: '50',
      HEARTBEAT_SEC: '1',
      AUTH_TIMEOUT_MS: '300',
    })
    expect(config).toMatchObject({
      maxVisitorConnections: 2,
      maxOperatorConnections: 50,
      heartbeatSec: 1,
      authTimeoutMs: 300,
    })
    expect(problems({ MAX_VISITOR_CONNECTIONS: '0' })).toEqual([
      'MAX_VISITOR_CONNECTIONS: must be at least 1 (got "0")',
    ])
    expect(problems({ MAX_OPERATOR_CONNECTIONS: '5000' })).toEqual([
      'MAX_OPERATOR_CONNECTIONS: must be at most 1000 (got "5000")',
    ])
    expect(problems({ HEARTBEAT_SEC: 'often' })).toEqual([
      'HEARTBEAT_SEC: must be a whole number (got "often")',
    ])
    expect(problems({ HEARTBEAT_SEC: '0' })[0]).toStartWith('HEARTBEAT_SEC: must be at least 1')
    expect(problems({ AUTH_TIMEOUT_MS: '10' })[0]).toStartWith(
      'AUTH_TIMEOUT_MS: must be at least 100',
    )
    // The old single limit is refused rather than silently ignored.
    expect(problems({ MAX_CONNECTIONS_PER_TOKEN: '10' })).toEqual([
      'MAX_CONNECTIONS_PER_TOKEN: replaced by MAX_VISITOR_CONNECTIONS and MAX_OPERATOR_CONNECTIONS',
    ])
  })

  test('several bad variables are all reported at once', () => {
    expect(problems({ PORT: 'x', LOG_LEVEL: 'loud' }).length).toBe(2)
  })

  test('config - login limits and metrics access: defaults, ranges, and a bad METRICS_TOKEN is never echoed', () => {
    const config = loadConfig({ DATA_DIR: tempDir() })
    expect(config.login).toEqual({
      perAddress: 20,
      perSubnet: 60,
      freeFailures: 5,
      maxBackoffMs: 900_000,
      hashConcurrency: 2,
      hashQueue: 16,
      hashMemoryKiB: 65_536,
    })
    // Not public by default: no token, no listener of its own.
    expect(config.metricsToken).toBeNull()
    expect(config.metricsListener).toBeNull()
    expect(loadConfig({ DATA_DIR: tempDir(), METRICS_PORT: '9464' }).metricsListener).toEqual({
      port: 9464,
      host: '127.0.0.1',
    })
    expect(problems({ PASSWORD_HASH_CONCURRENCY: '0' })[0]).toStartWith(
      'PASSWORD_HASH_CONCURRENCY: must be at least 1',
    )
    // Cheaper hashes down to OWASP's minimum for argon2id (19 MiB, t=2), never below.
    expect(
      loadConfig({ DATA_DIR: tempDir(), PASSWORD_HASH_MEMORY_KIB: '19456' }).login.hashMemoryKiB,
    ).toBe(19_456)
    expect(problems({ PASSWORD_HASH_MEMORY_KIB: '8192' })[0]).toStartWith(
      'PASSWORD_HASH_MEMORY_KIB: must be at least 19456',
    )
    expect(problems({ PORT: '9464', METRICS_PORT: '9464' })).toEqual([
      'METRICS_PORT: must differ from PORT (it is a listener of its own)',
    ])
    expect(problems({ METRICS_TOKEN: 'short-secret' })).toEqual([
      'METRICS_TOKEN: must be at least 16 characters',
    ])
  })

  test('a postgres:// or postgresql:// DATABASE_URL is accepted as given', () => {
    for (const url of ['postgres://parley@db:5432/parley', 'postgresql://parley@db/parley']) {
      expect(loadConfig({ DATA_DIR: tempDir(), DATABASE_URL: url }).databaseUrl).toBe(url)
    }
  })
})
