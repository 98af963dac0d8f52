/**
 * Configuration from the environment, validated once at start. A bad value stops the server
 * with a message naming the variable, before anything is opened.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import * as v from 'valibot'
import type { MailConfig } from './mail/mailer.ts'

const intIn = (min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^\d+$/, 'must be a whole number'),
    v.transform(Number),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  )

const EnvSchema = v.object({
  PORT: v.optional(intIn(0, 65535), '3000'),
  HOST: v.optional(v.pipe(v.string(), v.minLength(1)), '0.0.0.0'),
  DATA_DIR: v.optional(v.pipe(v.string(), v.minLength(1)), './data'),
  DATABASE_URL: v.optional(v.pipe(v.string(), v.minLength(1))),
  PARLEY_SECRET: v.optional(v.pipe(v.string(), v.minLength(32, 'must be at least 32 characters'))),
  ADMIN_EMAIL: v.optional(
    v.pipe(v.string(), v.trim(), v.toLowerCase(), v.email('must be an email address')),
  ),
  ADMIN_PASSWORD: v.optional(
    v.pipe(
      v.string(),
      v.minLength(10, 'must be at least 10 characters'),
      v.maxLength(1024, 'must be at most 1024 characters'),
    ),
  ),
  NATS_URL: v.optional(
    v.pipe(v.string(), v.regex(/^(nats|tls|wss?):\/\/\S+$/, 'must be a nats:// URL')),
  ),
  /** This node's name in a cluster (logs, lease holders); defaults to host and process id. */
  NODE_ID: v.optional(
    v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, _ . -')),
  ),
  /** How long a cluster node's actor ownership lasts without renewal (failover time). */
  LEASE_TTL_MS: v.optional(intIn(1000, 60_000), '5000'),
  /**
   * Fault injection for the cluster tests only: `pause-before-write:<text>` makes the process
   * stop itself (SIGSTOP) just before it stores a message with exactly that text, i.e. after
   * its lease check and before the fenced write. Never set it in production.
   */
  PARLEY_FAILPOINT: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^pause-before-write:.{1,200}$/, 'must be pause-before-write:<text>'),
    ),
  ),
  /**
   * Addresses of reverse proxies (nginx) whose `X-Real-IP` header names the client, for the
   * per-client limits on new sessions and logins. Comma-separated; unset trusts nobody.
   */
  TRUST_PROXY: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^[0-9A-Fa-f:.]+(,[0-9A-Fa-f:.]+)*$/, 'must be comma-separated IP addresses'),
    ),
  ),
  /**
   * Visitor location (R1): an MMDB file (e.g. GeoLite2-City for region rules); unset: the
   * country database shipped with Parley; `off`: no lookups (every conversation goes to the
   * inbox's default branch).
   */
  GEOIP_DB: v.optional(v.pipe(v.string(), v.minLength(1, 'must be a file path or off'))),
  /**
   * Which conversations supervisors and admins see (O6): `all` inboxes, or only the inboxes
   * they are members of, like agents (`members`).
   */
  ELEVATED_SCOPE: v.optional(v.picklist(['all', 'members']), 'all'),
  LOG_LEVEL: v.optional(v.picklist(['debug', 'info', 'warn', 'error']), 'info'),
  /** Visitor token lifetime in seconds; at most 24 h (S2). */
  VISITOR_TOKEN_TTL: v.optional(intIn(60, 86400), '86400'),
  /**
   * An operator session's whole life, from sign-in (no sliding renewal): 12 h by default, at
   * most 7 days. It bounds existing sessions too, so lowering it ends older ones at once.
   */
  OPERATOR_SESSION_TTL: v.optional(intIn(60, 7 * 86400), '43200'),
  /** Simultaneous realtime connections (tabs, all transports) of one visitor (seed 003). */
  MAX_VISITOR_CONNECTIONS: v.optional(intIn(1, 1000), '5'),
  /** Simultaneous realtime connections of one operator, all devices and transports. */
  MAX_OPERATOR_CONNECTIONS: v.optional(intIn(1, 1000), '20'),
  /** Seconds between server WebSocket pings; a peer silent for 2.5 of these is dropped. */
  HEARTBEAT_SEC: v.optional(intIn(1, 300), '30'),
  /** How long a new connection may take to authenticate before it is closed (4001). */
  AUTH_TIMEOUT_MS: v.optional(intIn(100, 300_000), '10000'),
  /** Bytes a socket may have queued before it counts as a slow consumer and is cut. */
  MAX_QUEUED_BYTES: v.optional(intIn(16 * 1024, 256 * 1024 * 1024), String(1024 * 1024)),
  /** Largest accepted client frame, in bytes. */
  MAX_FRAME_BYTES: v.optional(intIn(1024, 1024 * 1024), String(64 * 1024)),
  /** Seconds a draining server waits for in-flight work on SIGTERM. */
  SHUTDOWN_GRACE: v.optional(intIn(0, 600), '10'),
  /**
   * Deadline of every store operation (Postgres statements and transactions, the wait for a
   * connection included): past it the caller gets a retryable `unavailable` and readiness turns
   * 503 until a write succeeds again.
   */
  STORE_TIMEOUT_MS: v.optional(intIn(500, 60_000), '5000'),
  /**
   * Longest a conversation's summary (last activity, unanswered flag) is written behind its log
   * (coalesced: one row update per conversation per flush); 0 writes it with every message.
   */
  SUMMARY_FLUSH_MS: v.optional(intIn(0, 10_000), '1000'),
  /**
   * How often the analytics projection counts what the log committed (issue 19), in ms; the
   * dashboard's figures are that far behind at most. 0: never on a timer (tests, the CLI).
   */
  ANALYTICS_EVERY_MS: v.optional(intIn(0, 3_600_000), '5000'),
  /** Login attempts a minute (and burst) from one client address, whatever the account. */
  LOGIN_LIMIT_ADDRESS: v.optional(intIn(1, 100_000), '20'),
  /** Login attempts a minute (and burst) from one IPv4 /24 or IPv6 /64. */
  LOGIN_LIMIT_SUBNET: v.optional(intIn(1, 100_000), '60'),
  /** Consecutive failed logins of one account allowed back to back before it backs off. */
  LOGIN_FREE_FAILURES: v.optional(intIn(1, 1000), '5'),
  /** Longest wait, in seconds, between two login attempts on an account that keeps failing. */
  LOGIN_BACKOFF_MAX_SEC: v.optional(intIn(1, 86_400), '900'),
  /** Password checks (argon2id, PASSWORD_HASH_MEMORY_KIB each) running at once in this process. */
  PASSWORD_HASH_CONCURRENCY: v.optional(intIn(1, 64), '2'),
  /** Password checks waiting for a slot; more are refused at once with `overloaded`. */
  PASSWORD_HASH_QUEUE: v.optional(intIn(0, 10_000), '16'),
  /**
   * Memory of one argon2id password hash, in KiB (time cost 2, one lane). 64 MiB by default;
   * never below 19 MiB, OWASP's minimum for these parameters. Applies to passwords set from now
   * on; a stored hash keeps the parameters it was made with.
   */
  PASSWORD_HASH_MEMORY_KIB: v.optional(intIn(19_456, 4_194_304), '65536'),
  /** Bearer token Prometheus sends to scrape /metrics on the main port; unset: not served there. */
  METRICS_TOKEN: v.optional(
    v.pipe(
      v.string(),
      v.minLength(16, 'must be at least 16 characters'),
      v.regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
    ),
  ),
  /** A separate listener for /metrics only (e.g. reachable from the monitoring network). */
  METRICS_PORT: v.optional(intIn(0, 65535)),
  /** Address of the METRICS_PORT listener; loopback unless told otherwise. */
  METRICS_HOST: v.optional(v.pipe(v.string(), v.minLength(1)), '127.0.0.1'),
  /** Where attachment bytes live: `disk` (ATTACHMENT_DIR) or `s3` (the S3_* settings). */
  ATTACHMENT_STORAGE: v.optional(v.picklist(['disk', 's3']), 'disk'),
  /** The disk backend's folder; default `<DATA_DIR>/attachments`. */
  ATTACHMENT_DIR: v.optional(v.pipe(v.string(), v.minLength(1))),
  /**
   * `true` declares ATTACHMENT_DIR a folder every node of the cluster shares (NFS and the
   * like): without it a cluster refuses the disk backend, as one node could not read another's.
   */
  ATTACHMENT_DIR_SHARED: v.optional(v.picklist(['true', 'false']), 'false'),
  S3_BUCKET: v.optional(
    v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')),
  ),
  /** The S3 API's base URL (MinIO, R2, Ceph...); unset: AWS itself. */
  S3_ENDPOINT: v.optional(v.pipe(v.string(), v.url('must be a URL'))),
  S3_REGION: v.optional(v.pipe(v.string(), v.minLength(1)), 'us-east-1'),
  S3_ACCESS_KEY_ID: v.optional(v.pipe(v.string(), v.minLength(1))),
  S3_SECRET_ACCESS_KEY: v.optional(v.pipe(v.string(), v.minLength(1))),
  /** Key prefix inside the bucket (several installations may share one). */
  S3_PREFIX: v.optional(
    v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.\/-]{0,200}$/, 'must be a plain key prefix')),
  ),
  /** An upload never sent with a message is deleted this long after it was made. */
  ATTACHMENT_UPLOAD_TTL_SEC: v.optional(intIn(60, 30 * 86400), String(24 * 3600)),
  /** A deleted message's files stay in storage this long (undo, in-flight downloads). */
  ATTACHMENT_GRACE_SEC: v.optional(intIn(0, 30 * 86400), String(3600)),
  /** How often the cleanup job runs, in ms; 0: never (a test runs it by hand). */
  ATTACHMENT_SWEEP_MS: v.optional(intIn(0, 86_400_000), '60000'),
  /** Lifetime of a signed attachment link (for <img src> and downloads without a header). */
  ATTACHMENT_LINK_TTL_SEC: v.optional(intIn(10, 7 * 86400), '3600'),
  /** Uploads (and burst) one person may make a minute. */
  ATTACHMENT_UPLOADS_PER_MINUTE: v.optional(intIn(1, 100_000), '30'),
  /** Downloads (and burst) one person or one signed-link client may make a minute. */
  ATTACHMENT_DOWNLOADS_PER_MINUTE: v.optional(intIn(1, 100_000), '600'),
  /** Downloads one person may have streaming at once. */
  ATTACHMENT_CONCURRENT_DOWNLOADS: v.optional(intIn(1, 1000), '8'),
  /** Days an audit entry is kept (issue 18); 0: for good. At most 100 years. */
  AUDIT_RETENTION_DAYS: v.optional(intIn(0, 36_500), '365'),
  /** How often the retention job runs, in ms; 0: never (a test runs it by hand). */
  RETENTION_SWEEP_MS: v.optional(intIn(0, 86_400_000), '3600000'),
  /** How often automation rules look for visitors waiting long enough (issue 20), in ms. */
  RULES_WAIT_SCAN_MS: v.optional(intIn(100, 3_600_000), '30000'),
  /**
   * Webhook targets allowed although they are private, loopback or link-local (SSRF guard,
   * issue 17): comma-separated host names, IP addresses or CIDR ranges. Unset: none.
   */
  WEBHOOK_ALLOW_HOSTS: v.optional(
    v.pipe(
      v.string(),
      v.regex(
        /^[A-Za-z0-9.:\/_-]+(,[A-Za-z0-9.:\/_-]+)*$/,
        'must be comma-separated host names, IP addresses or CIDR ranges',
      ),
    ),
  ),
  /** Longest a webhook delivery may take, in ms (connect, send, response headers and body). */
  WEBHOOK_TIMEOUT_MS: v.optional(intIn(1000, 60_000), '10000'),
  /** Webhook deliveries in flight at once on the dispatching node. */
  WEBHOOK_CONCURRENCY: v.optional(intIn(1, 256), '16'),
  /** Hours a failing delivery is retried (exponential backoff) before it counts as failed. */
  WEBHOOK_RETRY_HOURS: v.optional(intIn(1, 168), '24'),
  /** Days finished deliveries stay in the delivery log. */
  WEBHOOK_LOG_DAYS: v.optional(intIn(1, 365), '30'),
  /** Outgoing e-mail (issue 17, I4): the SMTP relay; unset, Parley sends no mail. */
  SMTP_HOST: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(253))),
  SMTP_PORT: v.optional(intIn(1, 65535), '587'),
  /** `true`: TLS from the first byte (port 465); `false`: STARTTLS when the relay offers it. */
  SMTP_SECURE: v.optional(v.picklist(['true', 'false']), 'false'),
  /** `true`: never send over a connection STARTTLS did not encrypt. */
  SMTP_REQUIRE_TLS: v.optional(v.picklist(['true', 'false']), 'false'),
  SMTP_USER: v.optional(v.pipe(v.string(), v.minLength(1))),
  SMTP_PASSWORD: v.optional(v.string()),
  /** The sender: `Parley <support@example.com>` or an address. */
  SMTP_FROM: v.optional(
    v.pipe(
      v.string(),
      v.maxLength(320),
      v.check(
        (f) => /^[^<>\r\n]*<?[^@\s<>]+@[^@\s<>]+>?$/.test(f.trim()),
        'must be an e-mail address',
      ),
    ),
  ),
  SMTP_TIMEOUT_MS: v.optional(intIn(1000, 120_000), '10000'),
  /** A PEM file of extra certificate authorities the relay's certificate may chain to. */
  SMTP_CA_FILE: v.optional(v.pipe(v.string(), v.minLength(1))),
  /**
   * The e-mail channel (issue 17, I5): the port an SMTP listener takes the inboxes' mail on
   * (behind the organisation's MTA); unset: no listener. 0: any free port (tests).
   */
  MAIL_INBOUND_PORT: v.optional(intIn(0, 65535)),
  MAIL_INBOUND_HOST: v.optional(v.pipe(v.string(), v.minLength(1)), '127.0.0.1'),
  /** The largest e-mail taken, in bytes (announced as SIZE; a bigger one is refused). */
  MAIL_INBOUND_MAX_BYTES: v.optional(intIn(1024, 100 * 1024 * 1024), String(20 * 1024 * 1024)),
  /** The Telegram Bot API's base URL (issue 17, I2): another for a local Bot API server. */
  TELEGRAM_API_URL: v.optional(
    v.pipe(
      v.string(),
      v.url('must be a URL'),
      v.check((u) => /^https?:\/\//.test(u), 'must be an http(s) URL'),
    ),
    'https://api.telegram.org',
  ),
  /** Seconds one long poll of a Telegram channel bot waits for news (issue 17, I5). */
  TELEGRAM_POLL_SECONDS: v.optional(intIn(1, 50), '25'),
  /** Where people reach this server (https://support.example.com): links in notifications. */
  /** Web Push (issue 20): how push services may reach the installation's operator (mailto: or https:). */
  PUSH_CONTACT: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^(mailto:\S+@\S+|https:\/\/\S+)$/, 'a mailto: address or an https: URL'),
    ),
  ),
  PUBLIC_URL: v.optional(
    v.pipe(
      v.string(),
      v.url('must be a URL'),
      v.check((u) => /^https?:\/\//.test(u), 'must be an http(s) URL'),
    ),
  ),
  /** Requests one API token may make per minute (issue 17, I3), across the cluster. */
  API_TOKEN_RATE_PER_MINUTE: v.optional(intIn(1, 1_000_000), '600'),
  /** A PEM file of extra certificate authorities webhook targets may use (an internal CA). */
  WEBHOOK_CA_FILE: v.optional(v.pipe(v.string(), v.minLength(1))),
})

export interface Config {
  port: number
  host: string
  dataDir: string
  databaseUrl: string
  secret: string
  admin: { email: string; password: string } | null
  natsUrl: string | null
  nodeId: string
  leaseTtlMs: number
  /** Proxies trusted to name the client in X-Real-IP (TRUST_PROXY). */
  trustedProxies: Set<string>
  /** GeoIP database (GEOIP_DB): a path, null for the shipped one, or false when off. */
  geoIpDb: string | null | false
  /** Test-only fault injection (PARLEY_FAILPOINT); null in any real deployment. */
  failpoint: { pauseBeforeWrite: string } | null
  logLevel: 'debug' | 'info' | 'warn' | 'error'
  /** Supervisors and admins see every inbox (`all`) or only their own (`members`). */
  elevatedScope: 'all' | 'members'
  visitorTokenTtlSec: number
  operatorSessionTtlSec: number
  /** What the retention job removes and how often it runs (0: never). */
  retention: { auditDays: number; sweepMs: number }
  /** Automation rules (issue 20): how often waits are looked for. */
  rules: { waitScanMs: number }
  /** Web Push (issue 20): the VAPID contact (PUSH_CONTACT, else PUBLIC_URL when https). */
  push: { contact: string }
  /** Connections one visitor may hold at once (MAX_VISITOR_CONNECTIONS). */
  maxVisitorConnections: number
  /** Connections one operator may hold at once (MAX_OPERATOR_CONNECTIONS). */
  maxOperatorConnections: number
  /** A connection not authenticated this long after opening is closed (AUTH_TIMEOUT_MS). */
  authTimeoutMs: number
  maxQueuedBytes: number
  maxFrameBytes: number
  shutdownGraceSec: number
  /** Deadline of every store operation, in ms (STORE_TIMEOUT_MS). */
  storeTimeoutMs: number
  /** Longest a conversation summary is written behind its log, in ms (SUMMARY_FLUSH_MS). */
  summaryFlushMs: number
  /** How often the analytics projection runs, in ms (ANALYTICS_EVERY_MS); 0 never. */
  analyticsEveryMs: number
  /** Login throttling and the bound on password checks (LOGIN_*, PASSWORD_HASH_*). */
  login: {
    perAddress: number
    perSubnet: number
    freeFailures: number
    maxBackoffMs: number
    hashConcurrency: number
    hashQueue: number
    /** Memory of one argon2id hash, in KiB (PASSWORD_HASH_MEMORY_KIB). */
    hashMemoryKiB: number
  }
  /** /metrics on the main port needs this bearer token; null: not served there (METRICS_TOKEN). */
  metricsToken: string | null
  /** A listener for /metrics only (METRICS_PORT, METRICS_HOST); null: none. */
  metricsListener: { port: number; host: string } | null
  /** Seconds between server pings (HEARTBEAT_SEC); dead sockets are dropped after 2.5 of these. */
  heartbeatSec: number
  /** Attachment storage and lifecycle (ATTACHMENT_*, S3_*). */
  attachments: AttachmentConfig
  typingTtlMs: number
  /** Conversations idle this long are dropped from memory. */
  actorIdleMs: number
  /** Webhook delivery (WEBHOOK_*, issue 17). */
  webhooks: WebhookConfig
  /** Outgoing e-mail (SMTP_*, issue 17); null: no mail is sent. */
  mail: MailConfig | null
  /** The e-mail channel's listener (MAIL_INBOUND_*, issue 17); null: none. */
  mailInbound: { host: string; port: number; maxBytes: number } | null
  /** Requests per minute per API token (API_TOKEN_RATE_PER_MINUTE, issue 17). */
  apiTokenRatePerMinute: number
  mailboxLimit: number
}

export interface WebhookConfig {
  /** Private targets allowed anyway: host names (lower case), addresses and CIDR ranges. */
  allowHosts: string[]
  timeoutMs: number
  concurrency: number
  retryForMs: number
  logDays: number
  /** Extra trusted CA certificates (PEM); null: the system's only. */
  ca: string | null
  /** The Telegram Bot API's base URL (TELEGRAM_API_URL). */
  telegramApiUrl: string
  /** The server's public address (PUBLIC_URL), for links in notifications; null: none. */
  publicUrl: string | null
  /** Seconds a Telegram channel poll waits for news (TELEGRAM_POLL_SECONDS). */
  telegramPollSeconds: number
}

export interface AttachmentConfig {
  storage:
    | { kind: 'disk'; dir: string }
    | {
        kind: 's3'
        bucket: string
        endpoint?: string
        region: string
        accessKeyId: string
        secretAccessKey: string
        prefix: string
      }
  /** Where uploads are spooled while they arrive (always local). */
  tmpDir: string
  uploadTtlMs: number
  graceMs: number
  sweepMs: number
  linkTtlSec: number
  uploadsPerMinute: number
  downloadsPerMinute: number
  concurrentDownloads: number
}

/** Settings whose values never appear in an error message. */
const SECRETS = new Set([
  'PARLEY_SECRET',
  'ADMIN_PASSWORD',
  'METRICS_TOKEN',
  'S3_SECRET_ACCESS_KEY',
])

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

/** Parses env (defaults to process.env). Throws ConfigError listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const input: Record<string, string> = {}
  for (const key of Object.keys(EnvSchema.entries)) {
    const value = env[key]
    if (value !== undefined && value !== '') input[key] = value
  }
  const parsed = v.safeParse(EnvSchema, input)
  if (!parsed.success) {
    throw new ConfigError(
      parsed.issues.map((issue) => {
        const key = issue.path?.map((p) => String(p.key)).join('.') ?? '?'
        return `${key}: ${issue.message}${key in input && !SECRETS.has(key) ? ` (got "${input[key]}")` : ''}`
      }),
    )
  }
  const e = parsed.output
  // Replaced by two limits; ignoring it would silently change a deployment's limit.
  if (env.MAX_CONNECTIONS_PER_TOKEN !== undefined && env.MAX_CONNECTIONS_PER_TOKEN !== '') {
    throw new ConfigError([
      'MAX_CONNECTIONS_PER_TOKEN: replaced by MAX_VISITOR_CONNECTIONS and MAX_OPERATOR_CONNECTIONS',
    ])
  }
  if ((e.ADMIN_EMAIL === undefined) !== (e.ADMIN_PASSWORD === undefined)) {
    throw new ConfigError(['ADMIN_EMAIL and ADMIN_PASSWORD: set both or neither'])
  }
  const dataDir = resolve(e.DATA_DIR)
  const databaseUrl = e.DATABASE_URL ?? `sqlite:${join(dataDir, 'parley.db')}`
  if (
    !/^(sqlite:|file:|postgres(ql)?:\/\/)/.test(databaseUrl) &&
    !databaseUrl.startsWith('/') &&
    !databaseUrl.startsWith('.')
  ) {
    throw new ConfigError([
      `DATABASE_URL: must be sqlite:<path>, file:<path> or postgres://... (got "${databaseUrl}")`,
    ])
  }
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT !== 0 && e.METRICS_PORT === e.PORT) {
    throw new ConfigError(['METRICS_PORT: must differ from PORT (it is a listener of its own)'])
  }
  if (e.NATS_URL && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError([
      'NATS_URL: a cluster needs one database shared by every node: set DATABASE_URL to postgres://...',
    ])
  }
  const attachments = attachmentConfig(e, dataDir)
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl,
    secret: e.PARLEY_SECRET ?? loadOrCreateSecret(dataDir),
    admin:
      e.ADMIN_EMAIL && e.ADMIN_PASSWORD
        ? { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD }
        : null,
    natsUrl: e.NATS_URL ?? null,
    nodeId:
      e.NODE_ID ??
      `${hostname()
        .replace(/[^A-Za-z0-9_.-]/g, '-')
        .slice(0, 40)}-${process.pid}`,
    leaseTtlMs: e.LEASE_TTL_MS,
    trustedProxies: new Set(e.TRUST_PROXY?.split(',') ?? []),
    geoIpDb: e.GEOIP_DB === 'off' ? false : (e.GEOIP_DB ?? null),
    failpoint: e.PARLEY_FAILPOINT
      ? { pauseBeforeWrite: e.PARLEY_FAILPOINT.slice('pause-before-write:'.length) }
      : null,
    logLevel: e.LOG_LEVEL,
    elevatedScope: e.ELEVATED_SCOPE,
    visitorTokenTtlSec: e.VISITOR_TOKEN_TTL,
    operatorSessionTtlSec: e.OPERATOR_SESSION_TTL,
    retention: { auditDays: e.AUDIT_RETENTION_DAYS, sweepMs: e.RETENTION_SWEEP_MS },
    rules: { waitScanMs: e.RULES_WAIT_SCAN_MS },
    push: {
      contact:
        e.PUSH_CONTACT ??
        (e.PUBLIC_URL?.startsWith('https://') ? e.PUBLIC_URL : 'mailto:postmaster@localhost'),
    },
    maxVisitorConnections: e.MAX_VISITOR_CONNECTIONS,
    maxOperatorConnections: e.MAX_OPERATOR_CONNECTIONS,
    authTimeoutMs: e.AUTH_TIMEOUT_MS,
    maxQueuedBytes: e.MAX_QUEUED_BYTES,
    maxFrameBytes: e.MAX_FRAME_BYTES,
    shutdownGraceSec: e.SHUTDOWN_GRACE,
    storeTimeoutMs: e.STORE_TIMEOUT_MS,
    summaryFlushMs: e.SUMMARY_FLUSH_MS,
    analyticsEveryMs: e.ANALYTICS_EVERY_MS,
    login: {
      perAddress: e.LOGIN_LIMIT_ADDRESS,
      perSubnet: e.LOGIN_LIMIT_SUBNET,
      freeFailures: e.LOGIN_FREE_FAILURES,
      maxBackoffMs: e.LOGIN_BACKOFF_MAX_SEC * 1000,
      hashConcurrency: e.PASSWORD_HASH_CONCURRENCY,
      hashQueue: e.PASSWORD_HASH_QUEUE,
      hashMemoryKiB: e.PASSWORD_HASH_MEMORY_KIB,
    },
    metricsToken: e.METRICS_TOKEN ?? null,
    metricsListener:
      e.METRICS_PORT === undefined ? null : { port: e.METRICS_PORT, host: e.METRICS_HOST },
    heartbeatSec: e.HEARTBEAT_SEC,
    attachments,
    webhooks: {
      allowHosts: e.WEBHOOK_ALLOW_HOSTS?.toLowerCase().split(',') ?? [],
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      concurrency: e.WEBHOOK_CONCURRENCY,
      retryForMs: e.WEBHOOK_RETRY_HOURS * 3_600_000,
      logDays: e.WEBHOOK_LOG_DAYS,
      ca: e.WEBHOOK_CA_FILE ? readCa(e.WEBHOOK_CA_FILE) : null,
      telegramApiUrl: e.TELEGRAM_API_URL,
      publicUrl: e.PUBLIC_URL ?? null,
      telegramPollSeconds: e.TELEGRAM_POLL_SECONDS,
    },
    apiTokenRatePerMinute: e.API_TOKEN_RATE_PER_MINUTE,
    mail: mailConfig(e),
    mailInbound:
      e.MAIL_INBOUND_PORT === undefined
        ? null
        : {
            host: e.MAIL_INBOUND_HOST,
            port: e.MAIL_INBOUND_PORT,
            maxBytes: e.MAIL_INBOUND_MAX_BYTES,
          },
    typingTtlMs: 8000,
    actorIdleMs: 5 * 60_000,
    mailboxLimit: 256,
  }
}

function attachmentConfig(e: v.InferOutput<typeof EnvSchema>, dataDir: string): AttachmentConfig {
  const common = {
    tmpDir: join(dataDir, 'uploads'),
    uploadTtlMs: e.ATTACHMENT_UPLOAD_TTL_SEC * 1000,
    graceMs: e.ATTACHMENT_GRACE_SEC * 1000,
    sweepMs: e.ATTACHMENT_SWEEP_MS,
    linkTtlSec: e.ATTACHMENT_LINK_TTL_SEC,
    uploadsPerMinute: e.ATTACHMENT_UPLOADS_PER_MINUTE,
    downloadsPerMinute: e.ATTACHMENT_DOWNLOADS_PER_MINUTE,
    concurrentDownloads: e.ATTACHMENT_CONCURRENT_DOWNLOADS,
  }
  if (e.ATTACHMENT_STORAGE === 's3') {
    const missing = (['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const).filter(
      (key) => e[key] === undefined,
    )
    if (missing.length > 0) {
      throw new ConfigError(missing.map((key) => `${key}: required with ATTACHMENT_STORAGE=s3`))
    }
    return {
      ...common,
      storage: {
        kind: 's3',
        bucket: e.S3_BUCKET as string,
        ...(e.S3_ENDPOINT ? { endpoint: e.S3_ENDPOINT } : {}),
        region: e.S3_REGION,
        accessKeyId: e.S3_ACCESS_KEY_ID as string,
        secretAccessKey: e.S3_SECRET_ACCESS_KEY as string,
        prefix: e.S3_PREFIX ?? '',
      },
    }
  }
  if (e.NATS_URL && e.ATTACHMENT_DIR_SHARED !== 'true') {
    throw new ConfigError([
      "ATTACHMENT_STORAGE: a cluster cannot keep files on one node's disk: set ATTACHMENT_STORAGE=s3, or ATTACHMENT_DIR to a folder every node shares and ATTACHMENT_DIR_SHARED=true",
    ])
  }
  return {
    ...common,
    storage: { kind: 'disk', dir: resolve(e.ATTACHMENT_DIR ?? join(dataDir, 'attachments')) },
  }
}

function mailConfig(e: v.InferOutput<typeof EnvSchema>): MailConfig | null {
  if (!e.SMTP_HOST) {
    const stray = (['SMTP_USER', 'SMTP_PASSWORD', 'SMTP_FROM', 'SMTP_CA_FILE'] as const).filter(
      (key) => e[key] !== undefined,
    )
    if (stray.length > 0)
      throw new ConfigError(stray.map((key) => `${key}: set SMTP_HOST too, or leave ${key} unset`))
    return null
  }
  if (!e.SMTP_FROM) throw new ConfigError(['SMTP_FROM: required with SMTP_HOST'])
  if (e.SMTP_PASSWORD !== undefined && !e.SMTP_USER)
    throw new ConfigError(['SMTP_USER: required with SMTP_PASSWORD'])
  return {
    host: e.SMTP_HOST,
    port: e.SMTP_PORT,
    secure: e.SMTP_SECURE === 'true',
    requireTls: e.SMTP_REQUIRE_TLS === 'true',
    user: e.SMTP_USER ?? null,
    password: e.SMTP_PASSWORD ?? null,
    from: e.SMTP_FROM.trim(),
    timeoutMs: e.SMTP_TIMEOUT_MS,
    ca: e.SMTP_CA_FILE ? readCa(e.SMTP_CA_FILE, 'SMTP_CA_FILE') : null,
  }
}

function readCa(path: string, variable = 'WEBHOOK_CA_FILE'): string {
  let pem: string
  try {
    pem = readFileSync(path, 'utf8')
  } catch (error) {
    throw new ConfigError([`${variable}: cannot read ${path}: ${(error as Error).message}`])
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError([`${variable}: ${path} holds no PEM certificate`])
  }
  return pem
}

/** The HMAC key lives in the data folder when not given, so tokens survive restarts. */
function loadOrCreateSecret(dataDir: string): string {
  const file = join(dataDir, 'secret')
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim()
    if (secret.length >= 32) return secret
    throw new ConfigError([
      `${file}: stored secret is shorter than 32 characters; delete it or set PARLEY_SECRET`,
    ])
  }
  // Only its owner may enter the data folder: it holds the secret, the database and its WAL.
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  const secret = randomBytes(32).toString('base64url')
  writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' })
  chmodSync(file, 0o600)
  return secret
}
