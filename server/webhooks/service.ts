/**
 * What admins do with webhook endpoints (issue 17, I1): create, change, rotate the secret,
 * delete, send a test event, read the delivery log and send a delivery again. Routes in
 * server/http/webhooks.ts; authorization there.
 */
import { randomBytes } from 'node:crypto'
import {
  newId,
  type Clock,
  type Store,
  type WebhookDeliveryRecord,
  type WebhookEndpointRecord,
} from '../../actors/index.ts'
import { ParleyError, type Conversation } from '../../protocol/index.ts'
import {
  MAX_WEBHOOKS_PER_INBOX,
  type WebhookDelivery,
  type WebhookDeliveryStatus,
  type WebhookEndpoint,
  type WebhookEventType,
} from '../../protocol/webhooks.ts'
import type { WebhookDirectory } from './directory.ts'
import type { WebhookDispatcher } from './dispatcher.ts'
import { pendingRow } from './dispatcher.ts'
import { payloadOf, webhookTypesOf, type WebhookPayload } from './events.ts'
import type { TargetPolicy } from './target.ts'
import { isMailTarget, MAIL_EVENTS, parseMailTarget } from './mail-replies.ts'
import {
  BOT_TOKEN,
  isTelegramChannel,
  isTelegramTarget,
  parseTelegramTarget,
  TELEGRAM_EVENTS,
} from './telegram.ts'
import { isTeamMailTarget, parseTeamMailTarget } from './team-mail.ts'

/**
 * A Telegram target's own rules (issue 17, I2): a well-formed chat, notification events only,
 * and a bot token (required when it is made); a webhook takes no bot token.
 */
function checkTelegram(
  url: string,
  events: readonly WebhookEventType[],
  botToken: string | undefined,
  creating: boolean,
): void {
  if (isTelegramChannel(url)) {
    const others = events.filter((e) => e !== 'message.created')
    if (others.length > 0)
      throw new ParleyError(
        'validation_failed',
        `events: the Telegram channel's bot carries message.created only (not ${others.join(', ')})`,
      )
    if (botToken === undefined ? creating : !BOT_TOKEN.test(botToken))
      throw new ParleyError(
        'validation_failed',
        "botToken: a Telegram bot's token from BotFather (<bot id>:<secret>) is required",
      )
    return
  }
  if (isMailTarget(url)) {
    if (botToken !== undefined)
      throw new ParleyError('validation_failed', 'botToken: only a telegram: target takes one')
    if (!parseMailTarget(url))
      throw new ParleyError(
        'validation_failed',
        'url: an e-mail target is email:visitor, optionally ?lang=ru',
      )
    const others = events.filter((e) => !MAIL_EVENTS.includes(e))
    if (others.length > 0)
      throw new ParleyError(
        'validation_failed',
        `events: e-mail to visitors is sent for ${MAIL_EVENTS.join(', ')} only (not ${others.join(', ')})`,
      )
    return
  }
  if (isTeamMailTarget(url)) {
    if (botToken !== undefined)
      throw new ParleyError('validation_failed', 'botToken: only a telegram: target takes one')
    if (!parseTeamMailTarget(url))
      throw new ParleyError(
        'validation_failed',
        'url: e-mail to the team is mailto:<address>, optionally ?lang=ru',
      )
    const others = events.filter((e) => !TELEGRAM_EVENTS.includes(e))
    if (others.length > 0)
      throw new ParleyError(
        'validation_failed',
        `events: e-mail to the team is sent for ${TELEGRAM_EVENTS.join(', ')} only (not ${others.join(', ')})`,
      )
    return
  }
  if (!isTelegramTarget(url)) {
    if (botToken !== undefined)
      throw new ParleyError('validation_failed', 'botToken: only a telegram: target takes one')
    return
  }
  if (!parseTelegramTarget(url))
    throw new ParleyError(
      'validation_failed',
      'url: a Telegram chat is telegram:<chat id> or telegram:@channel, optionally ?lang=ru and ?operator=<operator id>',
    )
  const others = events.filter((e) => !TELEGRAM_EVENTS.includes(e))
  if (others.length > 0)
    throw new ParleyError(
      'validation_failed',
      `events: a Telegram chat is notified of ${TELEGRAM_EVENTS.join(', ')} only (not ${others.join(', ')})`,
    )
  if (botToken === undefined ? creating : !BOT_TOKEN.test(botToken))
    throw new ParleyError(
      'validation_failed',
      "botToken: a Telegram bot's token from BotFather (<bot id>:<secret>) is required",
    )
}

/**
 * What an endpoint's target is: a URL, a Telegram chat (I2), e-mail to visitors (I4) or to the
 * team (issue 20).
 */
function kindOf(url: string): 'webhook' | 'telegram' | 'channel' | 'mail' | 'team_mail' {
  if (isTelegramChannel(url)) return 'channel'
  if (isTeamMailTarget(url)) return 'team_mail'
  return isTelegramTarget(url) ? 'telegram' : isMailTarget(url) ? 'mail' : 'webhook'
}

/** A new secret: 32 random bytes, prefixed so it is recognizable in a config file. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`
}

export class WebhookService {
  constructor(
    private readonly deps: {
      store: Store
      clock: Clock
      policy: TargetPolicy
      directory: WebhookDirectory
      dispatcher: WebhookDispatcher
      /** Whether SMTP is configured: e-mail endpoints need it. */
      mailConfigured: boolean
    },
  ) {}

  async list(
    inboxIds: readonly string[] | null,
    inboxId: string | null,
  ): Promise<WebhookEndpoint[]> {
    const all = await this.deps.store.webhooks.listEndpoints(inboxId)
    const visible = inboxIds ? all.filter((e) => inboxIds.includes(e.inboxId)) : all
    return this.toWire(visible)
  }

  async get(id: string): Promise<WebhookEndpointRecord> {
    const endpoint = await this.deps.store.webhooks.getEndpoint(id)
    if (!endpoint) throw new ParleyError('not_found', 'webhook endpoint not found')
    return endpoint
  }

  async wire(endpoint: WebhookEndpointRecord): Promise<WebhookEndpoint> {
    const [wire] = await this.toWire([endpoint])
    if (!wire) throw new Error('unreachable')
    return wire
  }

  async create(input: {
    inboxId: string
    url: string
    events: WebhookEventType[]
    description: string
    enabled: boolean
    botToken?: string
  }): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    checkTelegram(input.url, input.events, input.botToken, true)
    await this.checkOperatorChat(input.url, input.inboxId)
    if ((isMailTarget(input.url) || isTeamMailTarget(input.url)) && !this.deps.mailConfigured) {
      throw new ParleyError(
        'not_configured',
        'e-mail is not configured on this server (SMTP_HOST); an e-mail endpoint cannot send',
      )
    }
    const url = await this.checkedUrl(input.url)
    const telegram = isTelegramTarget(url) || isTelegramChannel(url)
    const mail = isMailTarget(url) || isTeamMailTarget(url)
    const now = this.deps.clock.now()
    // A Telegram endpoint signs nothing: its secret is the bot token, never shown again.
    const secret = telegram ? (input.botToken ?? '') : mail ? '' : newSecret()
    const record: WebhookEndpointRecord = {
      id: newId(),
      inboxId: input.inboxId,
      url,
      description: input.description,
      events: input.events,
      enabled: input.enabled,
      secret,
      previousSecret: null,
      previousSecretUntil: null,
      failingSince: null,
      lastSuccessAt: null,
      lastFailureAt: null,
      lastError: null,
      createdAt: now,
      updatedAt: now,
    }
    await this.deps.store.webhooks.createEndpoint(record, MAX_WEBHOOKS_PER_INBOX)
    await this.deps.directory.changed()
    return { endpoint: await this.wire(record), secret: telegram || mail ? '' : secret }
  }

  async update(
    id: string,
    patch: {
      url?: string
      events?: WebhookEventType[]
      description?: string
      enabled?: boolean
      botToken?: string
    },
  ): Promise<WebhookEndpoint> {
    const current = await this.get(id)
    if (patch.url !== undefined && kindOf(patch.url) !== kindOf(current.url)) {
      throw new ParleyError(
        'validation_failed',
        'url: a webhook cannot become a Telegram chat or the other way round; make a new one',
      )
    }
    checkTelegram(patch.url ?? current.url, patch.events ?? current.events, patch.botToken, false)
    if (patch.url !== undefined) await this.checkOperatorChat(patch.url, current.inboxId)
    const url = patch.url === undefined ? undefined : await this.checkedUrl(patch.url)
    const updated = await this.deps.store.webhooks.updateEndpoint(id, {
      ...(url !== undefined ? { url } : {}),
      ...(patch.botToken !== undefined ? { secret: patch.botToken } : {}),
      ...(patch.events !== undefined ? { events: patch.events } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      // Switched back on: it starts afresh (what failed before is in its log).
      ...(patch.enabled === true ? { failingSince: null } : {}),
      updatedAt: this.deps.clock.now(),
    })
    if (!updated) throw new ParleyError('not_found', 'webhook endpoint not found')
    await this.deps.directory.changed()
    return this.wire(updated)
  }

  /** A new secret; the previous one keeps signing for `overlapHours` (0: not at all). */
  async rotate(
    id: string,
    overlapHours: number,
  ): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const endpoint = await this.get(id)
    if (kindOf(endpoint.url) !== 'webhook') {
      throw new ParleyError(
        'validation_failed',
        'only a webhook has a signing secret (a Telegram endpoint takes a new botToken with PATCH)',
      )
    }
    const now = this.deps.clock.now()
    const secret = newSecret()
    const updated = await this.deps.store.webhooks.updateEndpoint(id, {
      secret,
      previousSecret: overlapHours > 0 ? endpoint.secret : null,
      previousSecretUntil: overlapHours > 0 ? now + overlapHours * 3_600_000 : null,
      updatedAt: now,
    })
    if (!updated) throw new ParleyError('not_found', 'webhook endpoint not found')
    return { endpoint: await this.wire(updated), secret }
  }

  async remove(id: string): Promise<void> {
    if (!(await this.deps.store.webhooks.deleteEndpoint(id))) {
      throw new ParleyError('not_found', 'webhook endpoint not found')
    }
    await this.deps.directory.changed()
  }

  /**
   * Whether an automation rule may post to this endpoint (issue 20): one of the inbox's, an HTTP
   * target (not a Telegram chat or an e-mail address). Throws `validation_failed` saying why.
   */
  async ruleTarget(endpointId: string, inboxId: string): Promise<WebhookEndpointRecord> {
    const endpoint = await this.deps.store.webhooks.getEndpoint(endpointId)
    if (!endpoint || endpoint.inboxId !== inboxId) {
      throw new ParleyError(
        'validation_failed',
        `${endpointId} is not a webhook endpoint of this inbox`,
      )
    }
    const url = endpoint.url
    if (kindOf(url) !== 'webhook') {
      throw new ParleyError('validation_failed', 'a rule posts to HTTP endpoints only')
    }
    return endpoint
  }

  /**
   * An automation rule's webhook action (issue 20): queues a `rule.triggered` event for the
   * endpoint, delivered (signed, retried, in the conversation's order) like any event. The
   * same `id` again (a rule redone after a crash) is stored once. A disabled endpoint is a
   * `conflict`.
   */
  async queueRuleEvent(
    endpointId: string,
    event: {
      id: string
      inboxId: string
      conversation: Conversation
      rule: { id: string; name: string }
      trigger: string
    },
  ): Promise<void> {
    const endpoint = await this.ruleTarget(endpointId, event.inboxId)
    if (!endpoint.enabled) throw new ParleyError('conflict', 'the webhook endpoint is disabled')
    const now = this.deps.clock.now()
    const payload = rulePayload(event, now)
    const row = pendingRow(
      endpoint.id,
      payload,
      event.conversation.lastSeq,
      JSON.stringify(payload),
      now,
    )
    await this.deps.store.webhooks.insertDelivery(row)
    this.deps.dispatcher.nudge(0, 'deliveries')
  }

  /** Queues a `ping` for the endpoint, delivered like any event. */
  async ping(endpoint: WebhookEndpointRecord): Promise<WebhookDelivery> {
    const now = this.deps.clock.now()
    const payload = pingPayload(endpoint, `ping.${newId()}`, now)
    const row = pendingRow(endpoint.id, payload, 0, JSON.stringify(payload), now)
    await this.deps.store.webhooks.insertDelivery(row)
    this.deps.dispatcher.nudge(0, 'deliveries')
    return toDelivery(row)
  }

  async deliveries(
    endpointId: string,
    opts: { status?: WebhookDeliveryStatus; before?: string; limit: number },
  ): Promise<{ deliveries: WebhookDelivery[]; next: string | null }> {
    const before = opts.before === undefined ? undefined : parseCursor(opts.before)
    const rows = await this.deps.store.webhooks.deliveries(endpointId, {
      limit: opts.limit + 1,
      ...(opts.status ? { status: opts.status } : {}),
      ...(before ? { before } : {}),
    })
    const page = rows.slice(0, opts.limit)
    const last = page.at(-1)
    return {
      deliveries: page.map(toDelivery),
      next: rows.length > opts.limit && last ? `${last.createdAt}.${last.eventId}` : null,
    }
  }

  /**
   * Sends a delivery again now, with its body built from the log as it is (an erased
   * conversation's content is not sent again). A pending one is simply sent sooner.
   */
  async redeliver(endpoint: WebhookEndpointRecord, eventId: string): Promise<WebhookDelivery> {
    const { store, clock } = this.deps
    const row = await store.webhooks.getDelivery(endpoint.id, eventId)
    if (!row) throw new ParleyError('not_found', 'delivery not found')
    const now = clock.now()
    let payload: WebhookPayload | null
    if (row.type === 'ping' || row.conversationId === null) {
      payload = pingPayload(endpoint, row.eventId, now)
    } else if (row.type === 'rule.triggered') {
      payload = await this.rebuildRuleEvent(row, now)
    } else {
      payload = await this.rebuild(row)
    }
    if (!payload) throw new ParleyError('conflict', 'the event it reported is no longer in the log')
    const requeued = await store.webhooks.requeue(
      endpoint.id,
      eventId,
      JSON.stringify(payload),
      now,
    )
    if (!requeued) throw new ParleyError('not_found', 'delivery not found')
    this.deps.dispatcher.nudge(0, 'deliveries')
    return toDelivery(requeued)
  }

  /** A rule's event sent again: the conversation as it is now, the rule's name if it remains. */
  private async rebuildRuleEvent(
    row: WebhookDeliveryRecord,
    now: number,
  ): Promise<WebhookPayload | null> {
    const { store } = this.deps
    // The id is `rule.<ruleId>.<trigger>.<action index>` (see the runner).
    const [, ruleId, trigger] = /^rule\.([^.]+)\.(.+)\.\d+$/.exec(row.eventId) ?? []
    const loaded = row.conversationId
      ? await store.conversations.loadConversation(row.conversationId)
      : null
    if (!ruleId || !loaded) return null
    const rule = await store.rules.get(ruleId)
    const { ownerEpoch: _e, locale: _l, ...conversation } = loaded.conversation
    return rulePayload(
      {
        id: row.eventId,
        inboxId: conversation.inboxId,
        conversation,
        rule: { id: ruleId, name: rule?.name ?? '' },
        trigger: trigger ?? '',
      },
      now,
    )
  }

  private async rebuild(row: WebhookDeliveryRecord): Promise<WebhookPayload | null> {
    const { store } = this.deps
    const id = row.conversationId
    if (id === null) return null
    const loaded = await store.conversations.loadConversation(id)
    if (!loaded) return null
    const page = await store.conversations.eventsAfter(id, row.seq - 1, 2)
    const event = page[0]
    if (!event || event.seq !== row.seq) return null
    const type = webhookTypesOf(event).find((t) => t === row.type) ?? null
    if (!type || type === ('ping' as string)) return null
    const { ownerEpoch: _e, locale: _l, ...conversation } = loaded.conversation
    const visitor =
      event.name === 'conversation.created'
        ? await store.visitors.getById(conversation.visitorId)
        : null
    return payloadOf(type, event, { conversation, visitor, page })
  }

  /** An operator's own Telegram chat names an active operator who works in the inbox. */
  private async checkOperatorChat(url: string, inboxId: string): Promise<void> {
    const operatorId = isTelegramTarget(url) ? parseTelegramTarget(url)?.operatorId : null
    if (!operatorId) return
    const op = await this.deps.store.operators.getById(operatorId)
    const works =
      op?.active &&
      (op.role !== 'operator' ||
        (await this.deps.store.inboxes.inboxesOf(operatorId)).includes(inboxId))
    if (!works) {
      throw new ParleyError(
        'validation_failed',
        'url: ?operator= names no active operator of this inbox',
      )
    }
  }

  private async checkedUrl(raw: string): Promise<string> {
    // A Telegram chat or the visitor's e-mail: no URL of the admin's to check.
    if (kindOf(raw) !== 'webhook') return raw
    const url = this.deps.policy.parse(raw)
    await this.deps.policy.resolve(url)
    return url.href
  }

  private async toWire(endpoints: readonly WebhookEndpointRecord[]): Promise<WebhookEndpoint[]> {
    const pending = await this.deps.store.webhooks.pendingCounts(endpoints.map((e) => e.id))
    const now = this.deps.clock.now()
    return endpoints.map((e) => ({
      id: e.id,
      inboxId: e.inboxId,
      url: e.url,
      description: e.description,
      events: e.events,
      enabled: e.enabled,
      secretHint: e.secret.slice(-4),
      previousSecretUntil:
        e.previousSecret && (e.previousSecretUntil ?? 0) > now ? e.previousSecretUntil : null,
      status: !e.enabled ? 'disabled' : e.failingSince !== null ? 'failing' : 'active',
      failingSince: e.failingSince,
      lastSuccessAt: e.lastSuccessAt,
      lastFailureAt: e.lastFailureAt,
      lastError: e.lastError,
      pending: pending.get(e.id) ?? 0,
      createdAt: e.createdAt,
      updatedAt: e.updatedAt,
    }))
  }
}

/** What a rule's webhook action posts (docs/webhooks.md, `rule.triggered`). */
function rulePayload(
  event: {
    id: string
    inboxId: string
    conversation: Conversation
    rule: { id: string; name: string }
    trigger: string
  },
  now: number,
): WebhookPayload {
  return {
    id: event.id,
    type: 'rule.triggered',
    createdAt: now,
    inboxId: event.inboxId,
    conversationId: event.conversation.id,
    data: { rule: event.rule, trigger: event.trigger, conversation: event.conversation },
  }
}

function pingPayload(endpoint: WebhookEndpointRecord, id: string, now: number): WebhookPayload {
  return {
    id,
    type: 'ping',
    createdAt: now,
    inboxId: endpoint.inboxId,
    conversationId: null,
    data: { endpointId: endpoint.id, events: endpoint.events },
  }
}

function parseCursor(cursor: string): { createdAt: number; eventId: string } {
  const dot = cursor.indexOf('.')
  const createdAt = Number(cursor.slice(0, dot))
  const eventId = cursor.slice(dot + 1)
  if (dot < 1 || !Number.isSafeInteger(createdAt) || eventId.length === 0) {
    throw new ParleyError('validation_failed', 'before: not a cursor this API gave')
  }
  return { createdAt, eventId }
}

export function toDelivery(row: WebhookDeliveryRecord): WebhookDelivery {
  return {
    endpointId: row.endpointId,
    eventId: row.eventId,
    type: row.type,
    conversationId: row.conversationId,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt : null,
    createdAt: row.createdAt,
    lastAttemptAt: row.lastAttemptAt,
    deliveredAt: row.deliveredAt,
    responseStatus: row.responseStatus,
    responseMs: row.responseMs,
    responseSnippet: row.responseSnippet,
    error: row.error,
  }
}
