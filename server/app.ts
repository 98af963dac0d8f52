/**
 * Wires the server: store, actors, services, HTTP routes (Elysia) and the realtime transports
 * (Bun's native WebSocket handler on the same port). `startServer` is used by main.ts and by
 * the tests, which run it on port 0.
 */
import { Elysia } from 'elysia'
import {
  ActorRegistry,
  ConversationActor,
  createLogger,
  systemClock,
  type ActorContext,
  type ConversationPublisher,
  type Clock,
  type Logger,
  type Store,
} from '../actors/index.ts'
import { openStore } from '../db/index.ts'
import { ParleyError } from '../protocol/index.ts'
import { startCluster, type Cluster, type ClusteredRegistry } from './cluster/index.ts'
import { CONNECTION_ANNOUNCE_MS, createActorSystem, type ActorSystem } from './actors.ts'
import {
  AccountService,
  AuthService,
  FirstRunSetup,
  HashGate,
  KvThrottleStore,
  LoginThrottle,
  MemoryThrottleStore,
  Revocations,
} from './auth/index.ts'
import { auditRoutes } from './http/audit.ts'
import { dataRequestRoutes } from './http/data-requests.ts'
import { DataRequests } from './data-requests.ts'
import { eraseVisitor } from './erasure.ts'
import { CaptchaGuard } from './captcha.ts'
import { RateLimiter } from './limits.ts'
import { AuditTrail } from './audit.ts'
import { OriginGuard } from './origins.ts'
import { RETENTION_PARTY, runRetention, type RetentionReport } from './retention.ts'
import { ChatService, type ConversationRegistry } from './chat.ts'
import type { Config } from './config.ts'
import { prepareDataFiles, warnLooseDataFiles } from './data-files.ts'
import { adminRoutes, newInbox } from './http/admin.ts'
import { authRoutes } from './http/auth.ts'
import { setupRoutes } from './http/setup.ts'
import type { HttpContext } from './http/context.ts'
import { conversationRoutes } from './http/conversations.ts'
import { cors } from './http/cors.ts'
import { bodyParser } from './http/body.ts'
import { attachmentRoutes } from './http/attachments.ts'
import { avatarRoutes } from './http/avatars.ts'
import { AvatarService } from './attachments/avatars.ts'
import { cleanTempFiles } from './attachments/ingest.ts'
import { AttachmentService, openBlobStorage } from './attachments/service.ts'
import { sweepAttachments, startSweeper, type SweepReport } from './attachments/cleanup.ts'
import { errorMapper, errorResponse } from './http/errors.ts'
import { apiHeaders } from './http/headers.ts'
import { inboxRoutes } from './http/inbox.ts'
import { meRoutes } from './http/me.ts'
import { openapiRoutes } from './http/openapi.ts'
import { opsRoutes, serveMetrics } from './http/ops.ts'
import { overviewRoutes } from './http/overview.ts'
import { analyticsRoutes } from './http/analytics.ts'
import { AnalyticsProjector } from './analytics/projector.ts'
import { AnalyticsService } from './analytics/report.ts'
import { realtimeRoutes } from './http/realtime.ts'
import { searchRoutes } from './http/search.ts'
import { staticRoutes } from './http/static.ts'
import { visitorRoutes } from './http/visitor.ts'
import { Metrics } from './metrics.ts'
import { Gateway } from './realtime/gateway.ts'
import { Hub } from './realtime/hub.ts'
import { Reauthorizer } from './realtime/reauthorize.ts'
import { StreamSessions } from './realtime/streams.ts'
import { heartbeat, upgrade, websocketHandler, type WsData } from './realtime/ws.ts'
import { openGeoIp, type GeoIp } from './geo/geoip.ts'
import { branchRoutes } from './http/branches.ts'
import { cannedRoutes } from './http/canned.ts'
import { labelRoutes } from './http/labels.ts'
import { attributeRoutes } from './http/attributes.ts'
import { slaRoutes } from './http/sla.ts'
import { campaignRoutes } from './http/campaigns.ts'
import { helpRoutes } from './http/help.ts'
import { helpPublicRoutes } from './http/help-public.ts'
import { HelpService } from './help/service.ts'
import { HelpImages } from './help/images.ts'
import { helpImageRoutes } from './http/help-images.ts'
import { macroRoutes } from './http/macros.ts'
import { ruleRoutes } from './http/rules.ts'
import { followerRoutes } from './http/followers.ts'
import { RulesRunner } from './rules/runner.ts'
import { PushService } from './push/service.ts'
import { pushTriggers } from './push/triggers.ts'
import { pushRoutes } from './http/push.ts'
import type { InboxChange } from '../actors/bus.ts'
import { CampaignService } from './campaigns.ts'
import { AvailabilityService } from './availability.ts'
import { watchStore } from './store-watch.ts'
import { webhookRoutes } from './http/webhooks.ts'
import { apiTokenGuard, tokenRoutes } from './http/tokens.ts'
import { contactRoutes } from './http/contacts.ts'
import { ApiTokens } from './auth/api-tokens.ts'
import { WebhookDirectory } from './webhooks/directory.ts'
import { WebhookDispatcher } from './webhooks/dispatcher.ts'
import { WebhookService } from './webhooks/service.ts'
import { TargetPolicy } from './webhooks/target.ts'
import { Mailer } from './mail/mailer.ts'
import { PasswordResets } from './auth/password-reset.ts'
import { passwordResetRoutes } from './http/password-reset.ts'
import { notificationRoutes } from './http/notifications.ts'
import { DigestJob } from './mail/digests.ts'
import { Transcripts } from './mail/transcripts.ts'
import { transcriptRoutes } from './http/transcripts.ts'
import { InboundMail } from './mail/inbound.ts'
import { TelegramChannel } from './webhooks/telegram-channel.ts'

export interface RunningServer {
  url: string
  port: number
  store: Store
  gateway: Gateway
  attachments: AttachmentService
  /** One round of the attachment cleanup job now, on this node (tests, the CLI). */
  sweepAttachments(opts?: { dryRun?: boolean }): Promise<SweepReport>
  /** One round of the help-center image cleanup now, on this node: how many were removed. */
  sweepHelpImages(): Promise<number>
  /** One round of the retention job now, on this node (issue 18). */
  runRetention(): Promise<RetentionReport>
  /** The e-mail channel's SMTP port (issue 17, I5), or null when it does not listen. */
  inboundMailPort: number | null
  /** One round of the e-mail digests now, on this node (issue 17, tests). */
  runDigests(): Promise<{ sent: number }>
  /** The analytics projection (issue 19): `catchUp` counts everything committed so far. */
  analytics: Pick<AnalyticsProjector, 'catchUp' | 'round'>
  /**
   * The webhook dispatcher (issue 17): `drain` runs rounds until nothing is left to send; `stop`
   * ends its own rounds (shutdown does it too; tests hold the outbox back with it).
   */
  webhooks: Pick<WebhookDispatcher, 'drain' | 'stats' | 'kick' | 'stop'>
  /**
   * Web Push (issue 20): `drain` sends what is due now; `mayNotify` whether any of these
   * operators may get one.
   */
  push: Pick<PushService, 'drain' | 'keys' | 'mayNotify'>
  conversations: ConversationRegistry
  metrics: Metrics
  /** The METRICS_PORT listener (`http://host:port`), or null when there is none. */
  metricsUrl: string | null
  /** Drains and stops: see `shutdown` below. */
  shutdown(): Promise<void>
}

export interface StartOptions {
  clock?: Clock
  log?: Logger
}

/** The WebSocket path. */
export const WS_PATH = '/ws'
/**
 * After the grace period, closing (cluster leases, store, listener) gets at most this long:
 * SIGTERM ends the process within SHUTDOWN_GRACE plus this, store and NATS answering or not.
 */
export const SHUTDOWN_CLOSE_MS = 5000
/** A spool file this old belongs to an upload that died with its process. */
const SPOOL_MAX_AGE_MS = 60 * 60_000
/** A login waits at most this long for a password check slot, then gets `overloaded`. */
const HASH_WAIT_MS = 2000
/** Cluster: "announce your connections of this operator" (a starting operator actor asks). */
const ANNOUNCE_SUBJECT = 'parley.ops.announce'
/** Cluster: "my link was down; catch your subscriptions up from the store" (a node back up). */
const RESYNC_SUBJECT = 'parley.cluster.resync'

export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const clock = opts.clock ?? systemClock
  const log = opts.log ?? createLogger({ level: config.logLevel })
  // A database named in GEOIP_DB that cannot be read stops the start, before anything opens.
  const geo = config.geoIpDb === false ? null : await sharedGeoIp(config.geoIpDb)
  prepareDataFiles(config)
  const store = await openStore(config.databaseUrl, {
    timeoutMs: config.storeTimeoutMs,
    stallMs: Math.min(2000, config.storeTimeoutMs / 2),
    applicationName: `parley:${config.nodeId}`,
    summaryFlushMs: config.summaryFlushMs,
  })
  warnLooseDataFiles(config, log)
  const metrics = new Metrics()
  const cluster = config.natsUrl
    ? await startCluster({
        natsUrl: config.natsUrl,
        nodeId: config.nodeId,
        leaseTtlMs: config.leaseTtlMs,
        log,
      }).catch(async (error) => {
        await store.close()
        throw error
      })
    : null
  const hub = new Hub(cluster?.relay ?? null, log)
  // Every stored message passes here once, whatever transport it came by.
  const publisher: ConversationPublisher = {
    publish(frame) {
      if (frame.name === 'message.created') {
        metrics.inc('parley_messages_total', 'Messages stored.', {
          by: frame.data.message.author.kind,
        })
      }
      hub.publish(frame)
    },
  }
  // Webhooks (issue 17): which inboxes have endpoints, known before any actor writes.
  const webhookDirectory = new WebhookDirectory(store.webhooks, cluster?.relay ?? null, log)
  await webhookDirectory.start()
  let webhookDispatcher: WebhookDispatcher | null = null
  // Automation rules (issue 20): set below, once the actors it acts through exist.
  let rulesRunner: RulesRunner | null = null
  let ruleWebhooks: WebhookService | null = null
  // Web Push (issue 20): set below, once its sender exists; changes before that push nothing.
  let pushTrigger: ((change: InboxChange) => Promise<void>) | null = null
  // Cluster: set below, once the chat service that knows this node's connections exists.
  let announceOperator: ((operatorId: string) => void) | null = null
  const actors = createActorSystem({
    store,
    clock,
    log,
    config,
    publisher,
    feed: hub,
    cluster,
    outbox: (inboxId, events) => {
      const reported = webhookDirectory.reports(inboxId, events)
      if (reported) webhookDispatcher?.nudge()
      return reported
    },
    // Before the runner exists nothing is written; were it otherwise, a mark too many is safe.
    ruleMarks: (inboxId, events) => rulesRunner?.marks(inboxId, events) ?? true,
    observeInbox: (change) => void pushTrigger?.(change),
    announceConnections: (operatorId) => announceOperator?.(operatorId),
  })
  const { conversations } = actors
  const rulesLease = 'rules.runner'
  const rules = new RulesRunner({
    store,
    clock,
    log,
    metrics,
    conversations,
    inboxes: actors.inboxes,
    operators: actors.operators,
    // The webhook service is made further down (it needs the dispatcher); rules run later.
    webhook: (endpointId, event) => {
      if (!ruleWebhooks) throw new ParleyError('unavailable', 'webhooks are not started yet')
      return ruleWebhooks.queueRuleEvent(endpointId, event)
    },
    relay: cluster?.relay ?? null,
    lease: cluster
      ? {
          hold: async () =>
            cluster.leases.valid(rulesLease) ||
            (await cluster.leases.claim(rulesLease).catch(() => false)),
        }
      : null,
    options: { waitScanMs: config.rules.waitScanMs },
  })
  rulesRunner = rules
  metrics.gauge(
    'parley_rules_runner_active',
    'This node ran the last automation rules round (1) or not (0).',
    () => +rules.active,
  )
  // Counters shared by the whole cluster (logins, uploads): another node is no second budget.
  const throttleStore = cluster
    ? new KvThrottleStore(cluster.loginThrottleKv, () => cluster.link.assertUp())
    : new MemoryThrottleStore(() => clock.now())
  const auth = new AuthService(store, {
    secret: config.secret,
    visitorTtlSec: config.visitorTokenTtlSec,
    operatorTtlSec: config.operatorSessionTtlSec,
    elevatedScope: config.elevatedScope,
    clock,
    login: {
      throttle: new LoginThrottle(throttleStore, config.login, () => clock.now()),
      hashGate: new HashGate({
        concurrency: config.login.hashConcurrency,
        queue: config.login.hashQueue,
        waitMs: HASH_WAIT_MS,
        log,
      }),
      log,
      hashMemoryKiB: config.login.hashMemoryKiB,
    },
  })
  const availability = new AvailabilityService(store, actors.board, clock, geo)
  const chat = new ChatService(
    conversations,
    actors.operators,
    actors.inboxes,
    store,
    clock,
    geo,
    availability,
    throttleStore,
    config.elevatedScope,
    cluster?.link.nodeId,
  )
  if (cluster) {
    // A starting operator actor asks every node for its operator's connections: it knows at
    // once whether another node watches its feed (actors/operator/actor.ts reportWatchers).
    announceOperator = (operatorId) => {
      chat.announceConnections(operatorId)
      cluster.relay.publish(ANNOUNCE_SUBJECT, { operatorId })
    }
    cluster.relay.watch(ANNOUNCE_SUBJECT, (payload) => {
      const operatorId = (payload as { operatorId?: unknown } | null)?.operatorId
      if (typeof operatorId === 'string') chat.announceConnections(operatorId)
    })
  }
  const campaigns = new CampaignService(store, clock, geo, availability)
  chat.campaigns = campaigns
  const fileStorage = openBlobStorage(config.attachments)
  try {
    await fileStorage.check()
  } catch (error) {
    await store.close()
    throw new Error(`attachment storage (${fileStorage.kind}) is not usable: ${String(error)}`, {
      cause: error,
    })
  }
  // Spool files at start-up belong to uploads that died with the last process.
  await cleanTempFiles(config.attachments.tmpDir, 0)
  const attachments = new AttachmentService({
    store,
    storage: fileStorage,
    config: config.attachments,
    throttle: throttleStore,
    secret: config.secret,
    clock,
    log,
  })
  // Operators' pictures and help-center images: beside the attachments, on their budget.
  const imageUploads = {
    storage: fileStorage,
    tmpDir: config.attachments.tmpDir,
    throttle: throttleStore,
    uploadsPerMinute: config.attachments.uploadsPerMinute,
    clock,
    log,
  }
  const avatars = new AvatarService({ store, ...imageUploads })
  const helpImages = new HelpImages({ store: store.help, ...imageUploads })
  const sweepAttachmentsNow = (opts: { dryRun?: boolean } = {}) =>
    sweepAttachments(
      { store: store.attachments, storage: fileStorage, log },
      { now: clock.now(), ...opts },
    )
  /** The attachments' round, then help-center uploads no article showed within a day. */
  const sweepFilesNow = async () => {
    const report = await sweepAttachmentsNow()
    try {
      await helpImages.sweep()
    } catch (error) {
      log.warn('help-center image cleanup failed', { error: String(error) })
    }
    return report
  }
  // Expiry and purging once cluster-wide per round; each node clears its own spool folder.
  const sweeper = startSweeper({
    everyMs: config.attachments.sweepMs,
    run: async () => {
      await cleanTempFiles(config.attachments.tmpDir, SPOOL_MAX_AGE_MS)
      return cluster ? cluster.tryLock('attachments-sweep', () => sweepFilesNow()) : sweepFilesNow()
    },
    lock: null,
    log,
  })
  const runRetentionNow = () =>
    runRetention(
      {
        store,
        clock,
        log,
        metrics,
        closeIdle: (id, idleSince) => chat.closeIdle(id, idleSince),
        autoResolve: (id, idleSince, text) => chat.autoResolve(id, idleSince, text),
        eraseConversation: async (id) => (await chat.erase(id, RETENTION_PARTY)).erased,
        eraseVisitor: async (id) => {
          await accounts.eraseVisitorProfile(id)
        },
      },
      { ...config.retention, webhookLogDays: config.webhooks.logDays },
    )
  // Old data ages out once cluster-wide per round (issue 18).
  const retention = startSweeper({
    everyMs: config.retention.sweepMs,
    run: () =>
      cluster ? cluster.tryLock('retention', () => runRetentionNow()) : runRetentionNow(),
    lock: null,
    log,
    name: 'retention',
  })
  // Outgoing e-mail (issue 17, I4): null when SMTP_HOST is not set.
  const mailer = config.mail ? new Mailer(config.mail) : null
  const webhookPolicy = new TargetPolicy(config.webhooks.allowHosts)
  const dispatcherLease = 'webhooks.dispatcher'
  webhookDispatcher = new WebhookDispatcher({
    store,
    clock,
    log,
    metrics,
    policy: webhookPolicy,
    lease: cluster
      ? {
          hold: async () =>
            cluster.leases.valid(dispatcherLease) ||
            (await cluster.leases.claim(dispatcherLease).catch(() => false)),
        }
      : null,
    options: config.webhooks,
    load: () => conversations.mailboxDepth(),
    mailer,
  })
  const dispatcher = webhookDispatcher
  const pushLease = 'push.sender'
  const push = new PushService({
    store,
    clock,
    log,
    metrics,
    // Push services are public; a private one must be allowed like a webhook target.
    policy: webhookPolicy,
    subject: config.push.contact,
    timeoutMs: config.webhooks.timeoutMs,
    everyMs: 1000,
    lease: cluster
      ? {
          hold: async () =>
            cluster.leases.valid(pushLease) ||
            (await cluster.leases.claim(pushLease).catch(() => false)),
        }
      : null,
  })
  pushTrigger = pushTriggers(store, push, '/panel/')
  chat.mentionPush = (operatorIds, conversationId, excerpt) =>
    void push.notify(operatorIds, (locale) => ({
      kind: 'mentioned',
      conversationId,
      title: locale === 'ru' ? 'Вас упомянули' : 'You were mentioned',
      body: excerpt,
      url: `/panel/#c/${encodeURIComponent(conversationId)}`,
      tag: conversationId,
    }))
  const webhooks = new WebhookService({
    store,
    clock,
    policy: webhookPolicy,
    directory: webhookDirectory,
    dispatcher,
    mailConfigured: mailer !== null,
  })
  ruleWebhooks = webhooks
  // E-mail digests for offline operators (issue 17, I4), once cluster-wide per minute.
  const digests = new DigestJob({
    store,
    clock,
    log,
    mailer,
    board: actors.board,
    chat,
    publicUrl: config.webhooks.publicUrl,
    elevatedScope: config.elevatedScope,
  })
  const runDigestsNow = () => digests.run()
  const digestSweeper = mailer
    ? startSweeper({
        everyMs: 60_000,
        run: () => (cluster ? cluster.tryLock('digests', runDigestsNow) : runDigestsNow()),
        lock: null,
        log,
        name: 'digests',
      })
    : null
  // Analytics (issue 19): the projection counts what the log committed, one node at a time.
  const projector = new AnalyticsProjector({ store, log })
  const analyticsSweeper = startSweeper({
    everyMs: config.analyticsEveryMs,
    run: () => (cluster ? cluster.tryLock('analytics', () => projector.pass()) : projector.pass()),
    lock: null,
    log,
    name: 'analytics',
  })
  // The e-mail channel (issue 17, I5): mail for the inboxes' addresses becomes conversations.
  const inboundMail = config.mailInbound
    ? new InboundMail({
        config: config.mailInbound,
        store,
        chat,
        attachments,
        webhooks,
        log,
        now: () => clock.now(),
      })
    : null
  const origins = new OriginGuard({ store, secret: config.secret, clock, metrics })
  const captcha = new CaptchaGuard({
    secret: config.secret,
    throttle: throttleStore,
    clock,
    metrics,
  })
  chat.captcha = captcha
  const gateway = new Gateway({
    auth,
    origins,
    chat,
    hub,
    store,
    metrics,
    log,
    limits: {
      maxVisitorConnections: config.maxVisitorConnections,
      maxOperatorConnections: config.maxOperatorConnections,
      maxFrameBytes: config.maxFrameBytes,
      maxInflight: 64,
      maxSubscriptions: 100,
      authTimeoutMs: config.authTimeoutMs,
    },
  })
  const streams = new StreamSessions(gateway, config.maxQueuedBytes)
  // Revocation (logout, deactivation, rights, visitor sign-out): caches first, then connections.
  const revocations = new Revocations(cluster?.relay ?? null, log)
  const reauthorizer = new Reauthorizer({ gateway, auth, chat, origins, log })
  revocations.onRevoke((revocation) => auth.forget(revocation))
  revocations.onRevoke((revocation) => {
    if (revocation.kind === 'inbox_sites') origins.forget(revocation.inboxId)
    if (revocation.kind === 'everything') origins.forgetAll()
  })
  revocations.onRevoke((revocation) => reauthorizer.revoked(revocation))
  const accounts = new AccountService({ store, auth, revocations, clock })
  const apiTokens = new ApiTokens({
    store,
    clock,
    log,
    throttle: throttleStore,
    ratePerMinute: config.apiTokenRatePerMinute,
    elevatedScope: config.elevatedScope,
  })
  revocations.onRevoke((revocation) => apiTokens.forget(revocation))
  registerGauges(metrics, { gateway, actors, store, hub, cluster })

  if (cluster) await cluster.withLock('bootstrap', () => bootstrap(store, auth, config, clock, log))
  else await bootstrap(store, auth, config, clock, log)
  await actors.startInboxes()
  // A node that loses NATS tells its clients (retryable); once back, every subscription
  // catches up from the store, so nothing published meanwhile is missed.
  cluster?.link.onChange((up) => gateway.clusterLinkChanged(up))
  if (cluster) {
    // While a node's link is down its relay publishes nothing, and it hears nothing: the other
    // nodes' live streams of its conversations miss its events until each one's next event, and
    // actors on either side miss the inbox changes (badges, routing) that crossed meanwhile. Back
    // up, it has every node, itself included, catch subscriptions up from the store and reload
    // its live operator and inbox actors (badges resent to the panels).
    const resync = () => {
      for (const id of actors.operators.keys()) {
        actors.operators.tellIfLive(id, { type: 'refresh', resend: true })
      }
      for (const id of actors.inboxes.keys()) actors.inboxes.tellIfLive(id, { type: 'reload' })
    }
    cluster.link.onChange((up) => {
      if (!up) return
      cluster.relay.publish(RESYNC_SUBJECT, { nodeId: cluster.nodeId })
      resync()
    })
    cluster.relay.watch(RESYNC_SUBJECT, () => {
      gateway.catchUpAll()
      resync()
    })
  }
  cluster?.link.onChange((up) => void revocations.linkChanged(up))
  // Endpoint changes published while the link was down were missed: read them again.
  cluster?.link.onChange((up) => {
    if (up) void webhookDirectory.reload()
  })
  dispatcher.start()
  push.start()
  await rules.start()
  cluster?.link.onChange((up) => {
    if (up) void rules.reload()
  })
  await inboundMail?.start()
  // The Telegram channel (issue 17, I5): its bots' chats become conversations; one node polls.
  const pollerLease = 'telegram.poller'
  const telegramChannel = new TelegramChannel({
    store,
    chat,
    clock,
    log,
    apiUrl: config.webhooks.telegramApiUrl,
    pollSeconds: config.webhooks.telegramPollSeconds,
    attachments,
    lease: cluster
      ? {
          hold: async () =>
            cluster.leases.valid(pollerLease) ||
            (await cluster.leases.claim(pollerLease).catch(() => false)),
        }
      : null,
  })
  telegramChannel.start()
  chat.onOperatorTyping = (conversationId) => {
    telegramChannel.typing(conversationId).catch(() => undefined)
  }
  // A node whose database fails hands its actors to nodes whose database works, and takes
  // actors again only once a write of its own succeeds.
  const storeWatch = watchStore(store, {
    log,
    onFailingChange: (failing) => cluster?.storeFailing(failing),
  })
  const announceTimer = cluster
    ? setInterval(() => {
        if (cluster.link.connected) chat.announceConnections()
      }, CONNECTION_ANNOUNCE_MS)
    : null

  const peers = new WeakMap<Request, string>()
  let draining = false
  const setup = new FirstRunSetup({ store, auth, secret: config.secret, clock, log })
  const audit = new AuditTrail(store.audit, clock, log)
  chat.audit = audit
  const help = new HelpService(store.help, clock)
  const ctx: HttpContext = {
    store,
    auth,
    audit,
    origins,
    captcha,
    challengeLimiter: new RateLimiter(30, 30, () => clock.now()),
    setup,
    accounts,
    apiTokens,
    chat,
    availability,
    campaigns,
    gateway,
    streams,
    metrics,
    log,
    clock,
    clientKey: (req) => peers.get(req) ?? 'unknown',
    isDraining: () => draining,
    clusterUp: () => cluster === null || cluster.link.connected,
  }
  const app = new Elysia()
    .use(errorMapper(log, metrics))
    .use(apiHeaders())
    .use(cors(origins))
    .use(bodyParser())
    .use(apiTokenGuard(ctx))
    .use(opsRoutes(ctx, { metricsToken: config.metricsToken }))
    .use(authRoutes(ctx))
    .use(auditRoutes(ctx))
    .use(
      dataRequestRoutes(ctx, new DataRequests({ store, storage: fileStorage, clock }), (id, by) =>
        eraseVisitor(
          {
            store,
            clock,
            eraseProfile: (visitorId) => accounts.eraseVisitorProfile(visitorId),
            eraseConversation: (conversationId, party) => chat.erase(conversationId, party),
            purgeFiles: async () => (await sweepAttachmentsNow()).purged,
          },
          id,
          by,
        ),
      ),
    )
    .use(setupRoutes(ctx))
    .use(visitorRoutes(ctx))
    .use(conversationRoutes(ctx))
    .use(contactRoutes(ctx))
    .use(attachmentRoutes(ctx, attachments))
    .use(avatarRoutes(ctx, avatars))
    .use(inboxRoutes(ctx))
    .use(overviewRoutes(ctx))
    .use(
      analyticsRoutes(ctx, new AnalyticsService({ store, clock, behindMs: config.summaryFlushMs })),
    )
    .use(searchRoutes(ctx))
    .use(meRoutes(ctx))
    .use(adminRoutes(ctx))
    .use(branchRoutes(ctx))
    .use(cannedRoutes(ctx))
    .use(labelRoutes(ctx))
    .use(attributeRoutes(ctx))
    .use(slaRoutes(ctx))
    .use(campaignRoutes(ctx))
    .use(helpRoutes(ctx, help))
    .use(helpPublicRoutes(ctx, help))
    .use(helpImageRoutes(ctx, helpImages))
    .use(pushRoutes(ctx, push, webhookPolicy))
    .use(macroRoutes(ctx))
    .use(ruleRoutes(ctx, rules, webhooks))
    .use(followerRoutes(ctx))
    .use(webhookRoutes(ctx, webhooks))
    .use(tokenRoutes(ctx, revocations))
    .use(notificationRoutes(ctx, mailer !== null))
    .use(
      transcriptRoutes(
        ctx,
        new Transcripts({ store, clock, log, mailer, chat, throttle: throttleStore }),
      ),
    )
    .use(
      passwordResetRoutes(
        ctx,
        new PasswordResets({
          store,
          clock,
          log,
          mailer,
          publicUrl: config.webhooks.publicUrl,
          throttle: throttleStore,
          accounts,
          auth,
        }),
      ),
    )
    .use(realtimeRoutes(ctx))
    .use(openapiRoutes(ctx))
    .use(staticRoutes(ctx))
    .get('/api', () => ({ name: 'parley', websocket: WS_PATH, docs: 'docs/protocol.md' }))

  const server = Bun.serve<WsData>({
    port: config.port,
    hostname: config.host,
    // No limit of Bun's own (its 413 has no error body): bodyParser reads every body with the
    // limit, and Bun applies backpressure to a body nobody reads.
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    idleTimeout: 60,
    // Never Bun's development error page (source lines, the checkout's paths), whatever
    // NODE_ENV says: an error that escapes the routes gets the typed JSON body (`error` below).
    development: false,
    fetch(req, srv) {
      // Bun hands on a request whose Host makes the URL unparsable ("Host: a b", "[::1").
      if (!URL.canParse(req.url))
        return errorResponse(new ParleyError('bad_request', 'malformed request URL or Host header'))
      const url = new URL(req.url)
      if (url.pathname === WS_PATH) {
        if (draining)
          return Response.json(
            { error: { code: 'unavailable', message: 'server is restarting', retryable: true } },
            { status: 503 },
          )
        return upgrade(
          req,
          srv,
          clientAddress(req, srv.requestIP(req)?.address, config.trustedProxies),
        )
      }
      peers.set(req, clientAddress(req, srv.requestIP(req)?.address, config.trustedProxies))
      return app.fetch(req)
    },
    error(error) {
      if (!(error instanceof ParleyError)) log.error('http request failed', { error })
      return errorResponse(error)
    },
    websocket: websocketHandler(gateway, metrics, {
      maxQueuedBytes: config.maxQueuedBytes,
      hardFrameLimit: Math.max(config.maxFrameBytes * 4, 256 * 1024),
    }),
  })
  hub.useNativePublish((topic, data) => void server.publish(topic, data))
  const heartbeatTimer = setInterval(() => {
    heartbeat(gateway, config.heartbeatSec * 2500)
    gateway.expireSessions(clock.now())
  }, config.heartbeatSec * 1000)
  const sessionSweep = setInterval(() => {
    store.sessions
      .deleteExpired(clock.now())
      .catch((error) => log.warn('session cleanup failed', { error }))
    // Reset links a day past their expiry tell nothing any more.
    store.passwordResets
      .deleteExpired(clock.now() - 86_400_000)
      .catch((error) => log.warn('password reset cleanup failed', { error }))
  }, 3_600_000)
  const port = server.port ?? config.port
  log.info('server listening', { port, database: redact(config.databaseUrl) })
  if (await setup.pending()) {
    // No admin and no ADMIN_EMAIL: the log is where the one who started it looks.
    const host = ['0.0.0.0', '::', '127.0.0.1'].includes(config.host) ? 'localhost' : config.host
    log.warn('no admin yet: open the setup link to create the first one', {
      url: `http://${host}:${port}/panel/#setup=${setup.code}`,
    })
  }
  const metricsServer = config.metricsListener
    ? serveMetrics({ ...config.metricsListener, token: config.metricsToken, metrics, log })
    : null
  const metricsUrl = metricsServer ? metricsServer.url.origin : null
  if (metricsServer) log.info('metrics listening', { url: metricsUrl })

  let stopping: Promise<void> | null = null
  /**
   * Graceful shutdown (X6): readiness turns 503 and new sockets are refused; in-flight
   * commands finish and commit; every client gets a `reconnect` frame; then the store closes.
   */
  const shutdown = () =>
    (stopping ??= (async () => {
      draining = true
      log.info('draining')
      clearInterval(heartbeatTimer)
      clearInterval(sessionSweep)
      if (announceTimer) clearInterval(announceTimer)
      const grace = new Promise<void>((resolve) =>
        setTimeout(resolve, config.shutdownGraceSec * 1000).unref?.(),
      )
      // No rule starts acting while the actors stop; one under way finishes (or is redone).
      await rules.stop()
      await Promise.race([actors.shutdown(), grace])
      // Let acks of the last commands reach their sockets before they close.
      await new Promise<void>((resolve) => setImmediate(resolve))
      gateway.drain(1000)
      storeWatch.stop()
      sweeper.stop()
      retention.stop()
      digestSweeper?.stop()
      analyticsSweeper.stop()
      await inboundMail?.stop()
      await telegramChannel.stop()
      webhookDirectory.stop()
      await dispatcher.stop()
      await push.stop()
      mailer?.close()
      // Closing shares one budget, whatever state NATS or the database are in: a step that
      // does not finish in time is left behind (the process is about to end).
      const closeBy = performance.now() + SHUTDOWN_CLOSE_MS
      const step = async (what: string, work: Promise<unknown> | undefined) => {
        const left = Math.max(0, closeBy - performance.now())
        const timeout = new Promise<'timeout'>((resolve) =>
          setTimeout(() => resolve('timeout'), left).unref?.(),
        )
        const outcome = await Promise.race([work?.then(() => 'done' as const), timeout]).catch(
          (error: unknown) => log.warn(`${what} failed`, { error }),
        )
        if (outcome === 'timeout') log.warn(`${what} did not finish in time; going on`)
      }
      // After the last writes: hand every actor to the other nodes without waiting for expiry.
      await step('cluster stop', cluster?.stop())
      void server.stop(false)
      streams.stop()
      await step('store close', store.close())
      await step('server stop', server.stop(true))
      await step('metrics stop', metricsServer?.stop(true))
      log.info('stopped')
    })())

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    store,
    attachments,
    sweepAttachments: sweepAttachmentsNow,
    sweepHelpImages: () => helpImages.sweep(),
    runRetention: runRetentionNow,
    runDigests: runDigestsNow,
    analytics: projector,
    inboundMailPort: inboundMail?.port ?? null,
    webhooks: dispatcher,
    push,
    gateway,
    conversations,
    metrics,
    metricsUrl,
    shutdown,
  }
}

/** First start: a default inbox so the widget works out of the box, and the first admin. */
async function bootstrap(
  store: Store,
  auth: AuthService,
  config: Config,
  clock: Clock,
  log: Logger,
) {
  const inboxes = await store.inboxes.list()
  if (inboxes.length === 0) {
    // Runs on any site, as inboxes did before the allowlist (S3): the demo page (sandboxed,
    // which no frame-ancestors source can match) and the admin's first test site work; the
    // inbox's settings show it and restrict it. Inboxes created later are asked.
    const inbox = newInbox('Default inbox', clock.now(), { allowedOrigins: [] })
    await store.inboxes.create(inbox)
    inboxes.push(inbox)
    log.info('default inbox created', { inboxId: inbox.id })
  }
  const admin = await auth.ensureAdmin(config.admin)
  if (admin) {
    await store.inboxes.addMember(
      inboxes.map((i) => i.id),
      admin.id,
    )
    log.info('admin created', { email: admin.email })
  }
}

/**
 * Metrics read at scrape time: levels as gauges, and the running totals that the actors, store,
 * hub and cluster keep as counters (`*_total`, so Prometheus sees resets on restart).
 */
function registerGauges(
  metrics: Metrics,
  s: { gateway: Gateway; actors: ActorSystem; store: Store; hub: Hub; cluster: Cluster | null },
) {
  const { conversations, operators, inboxes } = s.actors
  const gauges: Array<[string, string, () => number]> = [
    [
      'parley_active_connections',
      'Open client connections (all transports).',
      () => s.gateway.connections.size,
    ],
    ['parley_actors', 'Live conversation actors on this node.', () => conversations.size],
    ['parley_operator_actors', 'Live operator actors on this node.', () => operators.size],
    ['parley_inbox_actors', 'Live inbox actors on this node.', () => inboxes.size],
    [
      'parley_mailbox_depth',
      'Commands queued or running in all actor mailboxes.',
      () => conversations.mailboxDepth() + operators.mailboxDepth() + inboxes.mailboxDepth(),
    ],
    [
      'parley_watched_conversations',
      'Conversations with at least one local watcher.',
      () => s.hub.watchedConversations,
    ],
    [
      'parley_connections_behind',
      'Connections with more than MAX_QUEUED_BYTES queued (cut if they stop reading).',
      () => {
        let n = 0
        for (const conn of s.gateway.connections) if (conn.behind) n++
        return n
      },
    ],
    [
      'parley_feed_held_frames',
      'Operator feed frames held back, coalesced, for connections behind on their queue.',
      () => {
        let n = 0
        for (const conn of s.gateway.connections) n += conn.heldFeedFrames
        return n
      },
    ],
  ]
  const counters: Array<[string, string, () => number]> = [
    [
      'parley_actor_activations_total',
      'Conversation actor activations since start.',
      () => conversations.activations,
    ],
    [
      'parley_actor_passivations_total',
      'Conversation actor passivations since start.',
      () => conversations.passivations,
    ],
    ['parley_events_published_total', 'Events published since start.', () => s.hub.published],
    [
      'parley_feed_frames_total',
      'Operator feed frames produced by this node (before coalescing).',
      () => s.hub.feedBatches.framesIn,
    ],
    [
      'parley_feed_messages_total',
      'Operator feed messages sent by this node (one per operator per event-loop turn).',
      () => s.hub.feedBatches.messagesOut,
    ],
    [
      'parley_store_transactions_total',
      'Store transactions committed (group commit).',
      () => s.store.stats().transactions,
    ],
    ['parley_store_writes_total', 'Actor writes committed.', () => s.store.stats().writesCommitted],
  ]
  const cluster = s.cluster
  if (cluster) {
    const forwarded = () =>
      [conversations, operators, inboxes].reduce(
        (sum, r) => sum + ((r as Partial<ClusteredRegistry<never, never, never>>).forwarded ?? 0),
        0,
      )
    gauges.push(
      ['parley_cluster_link_up', 'NATS link up (1) or down (0).', () => +cluster.link.connected],
      ['parley_cluster_leases', 'Actor leases this node holds.', () => cluster.leases.size],
      [
        'parley_cluster_relay_subjects',
        'Subjects this node listens to.',
        () => cluster.relay.subjects,
      ],
    )
    counters.push(
      [
        'parley_cluster_link_drops_total',
        'NATS link drops since start.',
        () => cluster.link.disconnects,
      ],
      [
        'parley_cluster_lease_claims_total',
        'Leases claimed since start.',
        () => cluster.leases.claims,
      ],
      [
        'parley_cluster_leases_lost_total',
        'Leases lost (not renewed in time or taken over) since start.',
        () => cluster.leases.lost,
      ],
      [
        'parley_cluster_lease_writes_total',
        'KV writes for leases (claims, releases, node lease renewals) since start.',
        () => cluster.leases.writes,
      ],
      ['parley_cluster_forwarded_total', 'Commands answered by another node.', forwarded],
      [
        'parley_cluster_relay_published_total',
        'Frames published to other nodes.',
        () => cluster.relay.published,
      ],
      [
        'parley_cluster_relay_messages_total',
        'NATS messages the published frames left in (frames of one subject share one).',
        () => cluster.relay.messages,
      ],
      [
        'parley_cluster_relay_received_total',
        'Frames received from other nodes.',
        () => cluster.relay.received,
      ],
      [
        'parley_cluster_send_batches_total',
        'Batches of sends (publishes, requests, replies) handed to NATS: about one socket write each.',
        () => cluster.link.sendBatches,
      ],
      ['parley_cluster_sends_total', 'Sends in those batches.', () => cluster.link.sends],
      [
        'parley_cluster_bytes_out_total',
        'Bytes this node sent to NATS.',
        () => cluster.link.nc.stats().outBytes,
      ],
      [
        'parley_cluster_bytes_in_total',
        'Bytes this node received from NATS.',
        () => cluster.link.nc.stats().inBytes,
      ],
    )
  }
  for (const [name, help, read] of gauges) metrics.gauge(name, help, read)
  for (const [name, help, read] of counters) metrics.counter(name, help, read)
}

/**
 * One in-memory copy of each GeoIP file per process (it is read-only and ~15 MB): servers
 * started again in one process (restarts in tests, the CLI) share it. A failed open is not kept.
 */
const geoIps = new Map<string, Promise<GeoIp>>()
function sharedGeoIp(path: string | null): Promise<GeoIp> {
  const key = path ?? ''
  let opening = geoIps.get(key)
  if (!opening) {
    opening = openGeoIp(path)
    geoIps.set(key, opening)
    opening.catch(() => geoIps.delete(key))
  }
  return opening
}

/** IPv4 or IPv6 text, nothing else (a header value we are about to key limits by). */
const IP = /^[0-9A-Fa-f:.]{2,45}$/

/**
 * Who the client is, for per-client limits: the socket's peer, or, when that peer is a trusted
 * proxy (TRUST_PROXY), the address it names in X-Real-IP.
 */
function clientAddress(req: Request, peer: string | undefined, trusted: Set<string>): string {
  const address = (peer ?? 'unknown').replace(/^::ffff:/, '')
  if (!trusted.has(address)) return address
  const named = req.headers.get('x-real-ip')?.trim()
  return named && IP.test(named) ? named.replace(/^::ffff:/, '') : address
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@')
}
