/**
 * The chat service: the one place where an authenticated principal meets the actors and the
 * read-side queries. Socket frames and HTTP routes both call it, so they share rules, limits
 * and error codes.
 */
import type { CampaignService } from './campaigns.ts'
import type { AuditTrail } from './audit.ts'
import type { CaptchaGuard } from './captcha.ts'
import {
  authorize,
  canOperatorAccess,
  derivedId,
  forVisitor,
  inScope,
  type InboxFilter,
  type InboxSort,
  type InboxView,
  newId,
  MAX_ATTRIBUTES,
  PROFILE_FIELDS,
  publicName,
  type PreChatForm,
  type Registry,
  type Clock,
  type ConversationCommand,
  type ConversationReplies,
  type InboxCommand,
  type InboxRecord,
  type Locale,
  type InboxReplies,
  type OperatorCommand,
  type OperatorReplies,
  type Page,
  type Principal,
  type Store,
  type VisitorAttributes,
  type VisitorProfilePatch,
  type VisitorRecord,
} from '../actors/index.ts'
import { takeShared, type ThrottleStore } from './auth/index.ts'
import { RateLimiter } from './limits.ts'
import type { AvailabilityService } from './availability.ts'
import type { GeoIp } from './geo/geoip.ts'
import { matchGeoRule } from './geo/rules.ts'
import {
  MAX_NOTE_MENTIONS,
  MAX_RATING_COMMENT,
  MENTION_EXCERPT,
  PRIORITY_RANK,
  ParleyError,
  VIEWING_TTL_MS,
  type Conversation,
  type ConversationPriority,
  type ConversationEvent,
  type ConversationStatus,
  type InboxCounts,
  type InboxItem,
  type Message,
  type OperatorStatus,
  type PageContext,
  type Party,
  type RatingScale,
  type VisitorContext,
  type VisitorConversation,
} from '../protocol/index.ts'
import { attributeValue, type AttributeValue } from '../protocol/attributes.ts'
import type { SlaPolicy } from '../protocol/sla.ts'
import { inboxItems } from './inbox-items.ts'
import { findOrMakeContact } from './contacts.ts'
import { visitorContext } from './visitor-context.ts'

/** An operator who may list conversations, asking for an inbox in their scope (if any). */
function listingOperator(principal: Principal, inboxId: string | undefined) {
  if (principal.kind !== 'operator' || !canOperatorAccess(principal, 'view')) {
    throw new ParleyError('forbidden', 'this operator has no permission to handle chats')
  }
  if (inboxId !== undefined && !inScope(principal, inboxId)) {
    throw new ParleyError('forbidden', 'not a member of this inbox')
  }
  return principal
}

export type ConversationRegistry = Registry<ConversationCommand, ConversationReplies>
export type OperatorRegistry = Registry<OperatorCommand, OperatorReplies>
export type InboxRegistry = Registry<InboxCommand, InboxReplies>

/** Inbox settings change rarely; cache them briefly instead of reading per message. */
const INBOX_CACHE_MS = 30_000
const MAX_PAGE = 100
/** Pages visited and past conversations the visitor sidebar lists, at most. */
const VISITOR_LIST_MAX = 20
/** A past conversation's message preview in the sidebar, in characters. */
const PREVIEW_MAX = 80
/** Page changes a visitor may report per minute, after a burst of 10. */
const PAGES_PER_MINUTE = 20
/** The scores each rating scale takes (C10). */
const RATING_RANGES: Record<RatingScale, { min: number; max: number }> = {
  stars: { min: 1, max: 5 },
  thumbs: { min: 0, max: 1 },
  nps: { min: 0, max: 10 },
}
/** The events an operator's thread shows besides messages: notes and system lines. */
const ACTIVITY = new Set<ConversationEvent['name']>([
  'note.created',
  'conversation.status',
  'conversation.assigned',
  'conversation.rated',
  'conversation.priority',
  'conversation.labels',
  'conversation.attributes',
  'conversation.sla',
])
/** Most log rows read for one history page's activity (the page's messages and their marks). */
const MAX_ACTIVITY_READ = 2000
/** Offline requests per client address: a burst of 5, then one every ten minutes. */
const OFFLINE_REQUESTS = { burst: 5, perMinute: 0.1 }

export interface StartOptions {
  clientMsgId?: string
  text?: string
  /** The client's address, for its location (GeoIP). */
  address?: string | null
  /** The widget's language: automatic replies speak it. */
  locale?: Locale | null
  /** A request left while nobody could answer (R6). */
  offline?: boolean
  /** The page the widget reports (identity and context). */
  context?: PageContext
  /** The client's User-Agent header: its browser, OS and device. */
  userAgent?: string | null
  /**
   * The proactive message the first message answers (issue 20): one shown to this visitor,
   * checked here; only with `text`.
   */
  campaignId?: string
  /**
   * Started by an integration for a contact (the API, issue 17): no visitor limits, challenges
   * or pre-chat form; the caller's API token budget applies instead.
   */
  trusted?: boolean
  /** Where it came from when not the widget: an integration (`api`), e-mail, Telegram. */
  channel?: 'api' | 'email' | 'telegram'
}

/** An outside contact an integration starts a conversation for (issue 17, I3). */
export interface ContactInput {
  inboxId: string
  /** The contact's id in the calling system: the same id finds the same contact again. */
  externalId?: string
  name?: string
  email?: string
  text?: string
  clientMsgId?: string
  locale?: Locale
}

/** A new offline request, as the e-mail notifier (integrations) receives it. */
export interface OfflineRequest {
  conversation: Conversation
  name: string
  email: string
}

export class ChatService {
  /** Operators' assignments, transfers, edits and deletions go on record here (issue 18). */
  audit: AuditTrail | null = null
  /** Asks risky visitors for a challenge first (issue 18, S4); null: never. */
  captcha: CaptchaGuard | null = null
  /** Proactive messages (issue 20): the campaign a first message answers; null: none. */
  campaigns: CampaignService | null = null
  /** Web Push for mentioned operators (issue 20); null: none. Must not throw. */
  mentionPush: ((operatorIds: string[], conversationId: string, excerpt: string) => void) | null =
    null
  private readonly sendLimiter: RateLimiter
  private readonly startLimiter: RateLimiter
  /** Offline requests per client address: a handful at once, then a few per hour (R6). */
  private readonly offlineLimiter: RateLimiter
  private readonly pageLimiter: RateLimiter
  private readonly offlineListeners: Array<(request: OfflineRequest) => void> = []
  private readonly inboxCache = new Map<string, { inbox: InboxRecord; until: number }>()
  /** This node's live operator connections, by operator id. */
  private readonly operatorConns = new Map<string, Set<string>>()

  constructor(
    private readonly conversations: ConversationRegistry,
    private readonly operators: OperatorRegistry,
    private readonly inboxes: InboxRegistry,
    private readonly store: Store,
    private readonly clock: Clock,
    /** Visitor location by address (GeoIP); null: none, every conversation in the default branch. */
    private readonly geo: GeoIp | null = null,
    /** Branch state for automatic replies (R7); null: none are sent. */
    private readonly availability: AvailabilityService | null = null,
    /**
     * Counters the whole cluster shares (NATS KV; in memory on one node): offline requests per
     * address count there, so another node is no second budget. Null: this node's own limiter.
     */
    private readonly throttle: ThrottleStore | null = null,
    /** Whether supervisors and admins see every inbox or only their own (ELEVATED_SCOPE). */
    private readonly elevatedScope: 'all' | 'members' = 'all',
    /** This node's id in a cluster: operator actors learn where connections and feeds are. */
    private readonly nodeId?: string,
  ) {
    const now = () => clock.now()
    this.sendLimiter = new RateLimiter(10, 30, now)
    this.startLimiter = new RateLimiter(5, 10, now)
    this.pageLimiter = new RateLimiter(10, PAGES_PER_MINUTE, now)
    this.offlineLimiter = new RateLimiter(OFFLINE_REQUESTS.burst, OFFLINE_REQUESTS.perMinute, now)
  }

  /** One offline request from the address's budget (OFFLINE_REQUESTS). */
  private async takeOfflineRequest(key: string): Promise<void> {
    if (!this.throttle) {
      this.offlineLimiter.take(key, 'requests')
      return
    }
    await takeShared(
      this.throttle,
      `offline.${key}`,
      OFFLINE_REQUESTS,
      this.clock.now(),
      'too many requests; try again later',
    )
  }

  /**
   * A visitor opens a new conversation in its inbox, optionally with a first message. With a
   * client id the conversation id is derived from (visitor, client id), so a retried start
   * lands on the same conversation instead of opening a second one (W4).
   */
  async start(principal: Principal, opts: StartOptions = {}) {
    if (principal.kind !== 'visitor') {
      throw new ParleyError('forbidden', 'only a visitor can start a conversation')
    }
    const id = opts.clientMsgId ? derivedId(`start:${principal.id}`, opts.clientMsgId) : newId()
    const first =
      opts.text === undefined ? undefined : { clientMsgId: opts.clientMsgId, text: opts.text }
    const inbox = await this.inbox(principal.inboxId)
    if (!this.conversations.has(id) && !opts.trusted) {
      this.startLimiter.take(principal.id, 'new conversations')
      if (first) await this.limitVisitorSend(principal)
      if (inbox && this.captcha) {
        try {
          await this.captcha.admit(
            'conversation',
            { inboxId: inbox.id, address: opts.address ?? 'unknown', visitorId: principal.id },
            inbox.settings.captcha,
            { text: opts.text },
          )
        } catch (error) {
          // A retried start of a conversation that exists (its actor asleep) is no new one.
          const retry = opts.clientMsgId !== undefined && (await this.started(principal, id))
          if (!(error instanceof ParleyError && error.code === 'captcha_required' && retry))
            throw error
        }
      }
    }
    const located = this.geo && opts.address ? this.geo.lookup(opts.address) : null
    const location = located
      ? { country: located.country, region: located.region, city: located.city }
      : null
    // A form asked before the first message must be answered first; an offline request has
    // its own form (name, e-mail).
    if (
      inbox?.settings.preChat.mode === 'before' &&
      !opts.offline &&
      !opts.trusted &&
      !this.conversations.has(id)
    ) {
      await this.checkPreChat(principal.id, inbox.settings.preChat)
    }
    // The most specific geo rule picks the branch (R1); no rule, no location: the default.
    const branchId = inbox
      ? (matchGeoRule(inbox.geoRules, located) ?? inbox.defaultBranchId)
      : principal.inboxId
    const locale = opts.locale ?? null
    const reply =
      first && this.availability
        ? await this.availability.autoReply(principal.inboxId, branchId, locale ?? 'en')
        : null
    const hasContext = opts.context !== undefined || (opts.userAgent ?? null) !== null
    let campaign: { id: string; text: string } | null = null
    if (opts.campaignId !== undefined) {
      if (!first) {
        throw new ParleyError('validation_failed', 'a campaign is answered with a first message')
      }
      if (!this.campaigns) throw new ParleyError('validation_failed', 'no campaigns run here')
      campaign = await this.campaigns.answered(principal, opts.campaignId)
    }
    return this.conversations.ask(id, {
      type: 'create',
      principal,
      first,
      branchId,
      location,
      locale,
      ...(hasContext ? { context: visitorContext(opts.context, opts.userAgent ?? null) } : {}),
      ...(opts.offline ? { offline: true } : {}),
      ...(opts.channel ? { channel: opts.channel } : {}),
      ...(reply ? { autoReply: { text: reply } } : {}),
      ...(campaign ? { campaign } : {}),
    })
  }

  /**
   * An integration (an operator or an API token acting as one) starts a conversation for an
   * outside contact (issue 17, I3): the contact is the visitor with that `externalId` in the
   * inbox (made the first time), or, without one, a new contact; with a `clientMsgId` a retried
   * call lands on the same contact and conversation. Name and e-mail are kept on the contact.
   */
  async startForContact(principal: Principal, input: ContactInput) {
    if (principal.kind !== 'operator' || !canOperatorAccess(principal, 'participate')) {
      throw new ParleyError('forbidden', 'only an operator who handles chats can do this')
    }
    if (!inScope(principal, input.inboxId) || !(await this.inbox(input.inboxId))) {
      throw new ParleyError('not_found', 'inbox not found')
    }
    const contact = await this.contactFor(input)
    if (input.name !== undefined || input.email !== undefined) {
      await this.store.visitors.updateProfile(contact.id, {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.email !== undefined ? { email: input.email.toLowerCase() } : {}),
      })
    }
    return this.start(
      { kind: 'visitor', id: contact.id, inboxId: input.inboxId },
      {
        text: input.text,
        clientMsgId: input.clientMsgId,
        locale: input.locale,
        trusted: true,
        channel: 'api',
      },
    )
  }

  private contactFor(input: ContactInput): Promise<VisitorRecord> {
    const { inboxId, externalId } = input
    return findOrMakeContact(this.store, {
      inboxId,
      externalId: externalId ?? null,
      // Without an outside id, a retried call (same clientMsgId) finds the contact it made.
      id:
        !externalId && input.clientMsgId
          ? derivedId(`contact:${inboxId}`, input.clientMsgId)
          : newId(),
      now: this.clock.now(),
    })
  }

  /**
   * An integration posts a message as the conversation's contact (issue 17, I3): what the
   * contact wrote in another system (a form, an e-mail). The caller must be able to take part.
   */
  async sendAsContact(
    principal: Principal,
    conversationId: string,
    clientMsgId: string,
    text: string,
  ) {
    if (principal.kind !== 'operator') {
      throw new ParleyError('forbidden', 'only an operator can post as the contact')
    }
    if (!canOperatorAccess(principal, 'participate')) {
      throw new ParleyError('forbidden', 'this operator has no permission to handle chats')
    }
    const found = await this.conversations.ask(conversationId, { type: 'peek' })
    // Outside the operator's inboxes a conversation is as absent as one that does not exist.
    if (!found || !inScope(principal, found.inboxId)) {
      throw new ParleyError('not_found', 'conversation not found')
    }
    return this.conversations.ask(conversationId, {
      type: 'send',
      principal: { kind: 'visitor', id: found.visitorId, inboxId: found.inboxId },
      clientMsgId,
      text,
    })
  }

  /** Whether the visitor's conversation `id` exists already (a retried start is no new one). */
  private async started(principal: Principal, id: string): Promise<boolean> {
    const found = await this.conversations.ask(id, { type: 'peek' })
    return found !== null && found.visitorId === principal.id
  }

  /** Refuses while a required field of the form is empty on the visitor. */
  private async checkPreChat(visitorId: string, form: PreChatForm): Promise<void> {
    const visitor = await this.store.visitors.getById(visitorId)
    const missing = form.fields
      .filter((f) => f.required && isEmpty(visitor ? profileValue(visitor, f.key) : undefined))
      .map((f) => f.key)
    if (missing.length > 0) {
      throw new ParleyError(
        'validation_failed',
        `the pre-chat form asks for: ${missing.join(', ')}`,
      )
    }
  }

  /** What the visitor told about themselves (the pre-chat form, the site's SDK calls). */
  async visitorProfile(principal: Principal): Promise<VisitorProfile> {
    if (principal.kind !== 'visitor') throw new ParleyError('forbidden', 'visitors only')
    const visitor = await this.store.visitors.getById(principal.id)
    if (!visitor) throw new ParleyError('not_found', 'visitor not found')
    return profileOf(visitor)
  }

  /**
   * The visitor changes what they told about themselves: the built-in fields, and attributes
   * (a select of the inbox's form takes only its options; at most MAX_ATTRIBUTES in all).
   * Checked whole before anything is written.
   */
  async updateVisitorProfile(
    principal: Principal,
    patch: VisitorProfilePatch,
  ): Promise<VisitorProfile> {
    if (principal.kind !== 'visitor') throw new ParleyError('forbidden', 'visitors only')
    const [visitor, inbox] = await Promise.all([
      this.store.visitors.getById(principal.id),
      this.inbox(principal.inboxId),
    ])
    if (!visitor) throw new ParleyError('not_found', 'visitor not found')
    const fields = new Map((inbox?.settings.preChat.fields ?? []).map((f) => [f.key, f]))
    for (const [key, value] of Object.entries(patch.attributes ?? {})) {
      const field = fields.get(key)
      if (value !== null && field?.type === 'select' && !field.options?.includes(String(value))) {
        throw new ParleyError('validation_failed', `attributes.${key}: not one of the choices`)
      }
    }
    const attributes = patch.attributes
      ? await this.visitorAttributes(principal.inboxId, visitor, patch.attributes)
      : undefined
    const updated = await this.store.visitors.updateProfile(principal.id, {
      ...patch,
      ...(attributes ? { attributes } : {}),
    })
    if (!updated) throw new ParleyError('not_found', 'visitor not found')
    if (patch.name !== undefined || patch.email !== undefined)
      await this.detailsChanged(principal.id)
    return profileOf(updated)
  }

  /**
   * The visitor of a conversation, for the operators who may view it: their profile, the newest
   * page, the pages visited in this conversation (newest first) and their other conversations
   * in the caller's inbox scope (newest activity first).
   */
  async conversationVisitor(
    principal: Principal,
    conversationId: string,
  ): Promise<ConversationVisitorAnswer> {
    if (principal.kind !== 'operator') throw new ParleyError('forbidden', 'operators only')
    const { conversation } = await this.open(principal, conversationId)
    const visitor = await this.store.visitors.getById(conversation.visitorId)
    if (!visitor) throw new ParleyError('not_found', 'visitor not found')
    const [events, all] = await Promise.all([
      this.store.conversations.pageEvents(conversationId, VISITOR_LIST_MAX),
      this.store.queries.listVisitorConversations(visitor.id),
    ])
    const past = all
      .filter((c) => c.id !== conversationId && inScope(principal, c.inboxId))
      .slice(0, VISITOR_LIST_MAX)
    const details = past.length > 0 ? await this.store.queries.inboxRowDetails(past) : null
    const pages = events.flatMap((e) => {
      const c = e.data.context
      return c?.url ? [{ url: c.url, title: c.title, at: e.at }] : []
    })
    return {
      visitor: visitorView(visitor),
      context: events[0]?.data.context ?? null,
      pages,
      conversations: past.map((c) => ({
        id: c.id,
        status: c.status,
        createdAt: c.createdAt,
        lastActivityAt: c.lastMessageAt ?? c.createdAt,
        lastMessage: previewText(details?.lastMessages.get(c.id)),
      })),
    }
  }

  /**
   * An operator who may take part in the conversation corrects its visitor's name or e-mail
   * (null clears one); answers the visitor as `conversationVisitor` shows them.
   */
  async updateVisitor(
    principal: Principal,
    conversationId: string,
    patch: {
      name?: string | null
      email?: string | null
      attributes?: Readonly<Record<string, AttributeValue | null>>
    },
  ): Promise<ConversationVisitorAnswer['visitor']> {
    if (principal.kind !== 'operator') throw new ParleyError('forbidden', 'operators only')
    const loaded = await this.store.conversations.loadConversation(conversationId)
    const conv = authorize(principal, loaded?.conversation ?? null, 'participate')
    if (conv.erasedAt !== undefined)
      throw new ParleyError('conflict', 'this conversation was erased')
    const contact: VisitorProfilePatch = {}
    if (patch.name !== undefined) contact.name = patch.name
    if (patch.email !== undefined) contact.email = patch.email
    if (patch.attributes !== undefined) {
      const visitor = await this.store.visitors.getById(conv.visitorId)
      if (!visitor) throw new ParleyError('not_found', 'visitor not found')
      if (visitor.erasedAt != null) throw new ParleyError('conflict', 'this visitor was erased')
      contact.attributes = await this.visitorAttributes(conv.inboxId, visitor, patch.attributes)
    }
    const updated = await this.store.visitors.updateProfile(conv.visitorId, contact)
    if (!updated) throw new ParleyError('not_found', 'visitor not found')
    if (updated.erasedAt != null) throw new ParleyError('conflict', 'this visitor was erased')
    if (patch.name !== undefined || patch.email !== undefined) {
      await this.detailsChanged(conv.visitorId)
    }
    return visitorView(updated)
  }

  /**
   * Visitor attribute changes as stored (issue 20): a key the inbox defines for visitors takes
   * its type's values only (a number or a yes/no may come as text, protocol/attributes.ts); any
   * other key stays free-form (the SDK's own attributes). The visitor's own fields are not
   * attributes, and a visitor holds at most MAX_ATTRIBUTES. Throws on the first wrong one.
   */
  private async visitorAttributes(
    inboxId: string,
    visitor: VisitorRecord,
    changes: Readonly<Record<string, AttributeValue | null>>,
  ): Promise<Record<string, AttributeValue | null>> {
    const defined = new Map(
      (await this.store.attributes.list(inboxId))
        .filter((d) => d.scope === 'visitor')
        .map((d) => [d.key, d]),
    )
    const out: Record<string, AttributeValue | null> = {}
    const after = { ...visitor.attributes }
    for (const [key, raw] of Object.entries(changes)) {
      if ((PROFILE_FIELDS as readonly string[]).includes(key)) {
        throw new ParleyError('validation_failed', `attributes.${key}: set ${key} as its own field`)
      }
      const def = defined.get(key)
      let value = raw
      if (raw !== null && def) {
        const checked = attributeValue(def, raw)
        if ('error' in checked) {
          throw new ParleyError('validation_failed', `attributes.${key}: ${checked.error}`)
        }
        value = checked.value
      }
      out[key] = value
      if (value === null) delete after[key]
      else after[key] = value
    }
    if (Object.keys(after).length > MAX_ATTRIBUTES) {
      throw new ParleyError('validation_failed', `attributes: at most ${MAX_ATTRIBUTES}`)
    }
    return out
  }

  /**
   * A visitor's name or e-mail changed: each of their conversations still in the inboxes'
   * lists (open or resolved) tells its inbox, so open panels show the new name without a
   * reload. Best effort: the change is stored either way, and a panel reads it on its next load.
   */
  private async detailsChanged(visitorId: string): Promise<void> {
    const conversations = await this.store.queries.listVisitorConversations(visitorId)
    await Promise.all(
      conversations
        .filter((c) => c.status !== 'closed')
        .slice(0, 20)
        .map((c) =>
          this.conversations.ask(c.id, { type: 'details_changed' }).catch(() => undefined),
        ),
    )
  }

  /**
   * A visitor leaves a request while nobody can answer (R6): their name and e-mail are kept on
   * the visitor, and the message starts a conversation flagged `offline` that waits in its
   * branch's queue until someone can take it. Limited per client address.
   */
  async offlineRequest(
    principal: Principal,
    request: { name: string; email: string; text: string; clientMsgId?: string },
    opts: Pick<StartOptions, 'address' | 'locale'> = {},
  ) {
    if (principal.kind !== 'visitor') {
      throw new ParleyError('forbidden', 'only a visitor can leave a request')
    }
    await this.takeOfflineRequest(opts.address ?? principal.id)
    await this.store.visitors.setContact(principal.id, { name: request.name, email: request.email })
    const started = await this.start(principal, {
      clientMsgId: request.clientMsgId,
      text: request.text,
      offline: true,
      ...opts,
    })
    if (!started.message?.duplicate) {
      for (const listener of this.offlineListeners) {
        try {
          listener({ conversation: started.conversation, name: request.name, email: request.email })
        } catch {
          // A listener's failure is its own (integrations log and retry); the request stands.
        }
      }
    }
    return started
  }

  /**
   * The hook for answering offline requests by e-mail (the integrations' notifier): called once
   * per new request, after it is stored.
   */
  onOfflineRequest(listener: (request: OfflineRequest) => void): void {
    this.offlineListeners.push(listener)
  }

  /** The conversation as its actor holds it, without any authorization: for the server's own use. */
  peek(conversationId: string) {
    return this.conversations.ask(conversationId, { type: 'peek' })
  }

  open(principal: Principal, conversationId: string) {
    return this.conversations.ask(conversationId, { type: 'open', principal })
  }

  /** A message: text, uploaded files (attachmentIds), or both. */
  async send(
    principal: Principal,
    conversationId: string,
    clientMsgId: string,
    content: {
      text?: string
      attachmentIds?: readonly string[]
      address?: string | null
      /** Posted by the server for a contact (the e-mail channel): no visitor limits. */
      trusted?: boolean
    },
  ) {
    if (principal.kind === 'visitor' && !content.trusted) {
      await this.limitVisitorSend(principal)
      const inbox = this.captcha ? await this.inbox(principal.inboxId) : null
      if (inbox && this.captcha) {
        await this.captcha.admit(
          'message',
          { inboxId: inbox.id, address: content.address ?? 'unknown', visitorId: principal.id },
          inbox.settings.captcha,
          { text: content.text },
        )
      }
    }
    const { text = '', attachmentIds } = content
    if (text === '' && !attachmentIds?.length) {
      throw new ParleyError('validation_failed', 'a message needs text or files')
    }
    return this.conversations.ask(conversationId, {
      type: 'send',
      principal,
      clientMsgId,
      text,
      ...(attachmentIds?.length ? { attachmentIds } : {}),
    })
  }

  /**
   * A private note (operators only): stored in the thread, never shown to the visitor. Its
   * mentions keep only active members of the conversation's inbox and supervisors or admins,
   * never the author; each kept one gets an alert once (a retry alerts nobody again).
   */
  async note(
    principal: Principal,
    conversationId: string,
    clientMsgId: string,
    text: string,
    mentions: readonly string[] = [],
  ) {
    const op = requireOperator(principal)
    if (new Set(mentions).size > MAX_NOTE_MENTIONS) {
      throw new ParleyError(
        'validation_failed',
        `mentions: a note mentions at most ${MAX_NOTE_MENTIONS} operators`,
      )
    }
    const { conversation } = await this.open(op, conversationId)
    const kept = await this.mentionable(conversation.inboxId, op.id, mentions)
    const ack = await this.conversations.ask(conversationId, {
      type: 'note',
      principal: op,
      clientMsgId,
      text,
      mentions: kept,
    })
    if (!ack.duplicate) {
      const by = { kind: 'operator' as const, id: op.id }
      const excerpt = text.trim().slice(0, MENTION_EXCERPT)
      for (const id of ack.mentions) {
        this.operators.tell(id, { type: 'mention', conversationId, seq: ack.seq, by, excerpt })
      }
      if (ack.mentions.length > 0) this.mentionPush?.(ack.mentions, conversationId, excerpt)
    }
    return ack
  }

  /** The mentioned operators a note may alert: the inbox's team and supervisors/admins. */
  private async mentionable(
    inboxId: string,
    authorId: string,
    ids: readonly string[],
  ): Promise<string[]> {
    const wanted = [...new Set(ids)].filter((id) => id !== authorId)
    if (wanted.length === 0) return []
    const members = new Set(await this.store.inboxes.members(inboxId))
    const found = await Promise.all(wanted.map((id) => this.store.operators.getById(id)))
    // Supervisors and admins outside the inbox only while they see every inbox (O6).
    const elevatedSee = this.elevatedScope === 'all'
    return found.flatMap((o) =>
      o &&
      o.active &&
      (members.has(o.id) || (elevatedSee && (o.role === 'supervisor' || o.role === 'admin')))
        ? [o.id]
        : [],
    )
  }

  async edit(principal: Principal, conversationId: string, messageId: string, text: string) {
    const result = await this.conversations.ask(conversationId, {
      type: 'edit',
      principal,
      messageId,
      text,
    })
    await this.messageChanged(principal, 'message.edited', conversationId, messageId)
    return result
  }

  async delete(principal: Principal, conversationId: string, messageId: string) {
    const result = await this.conversations.ask(conversationId, {
      type: 'delete',
      principal,
      messageId,
    })
    await this.messageChanged(principal, 'message.deleted', conversationId, messageId)
    return result
  }

  /** An operator's edit or deletion is on record (a visitor's own is not an admin matter). */
  private async messageChanged(
    principal: Principal,
    action: string,
    conversationId: string,
    messageId: string,
  ): Promise<void> {
    if (principal.kind !== 'operator') return
    await this.audit?.record({
      actor: principal,
      action,
      target: { kind: 'message', id: messageId },
      details: { conversationId },
    })
  }

  /** Hears operators typing (the Telegram channel shows it in the chat); never in the way. */
  onOperatorTyping: ((conversationId: string) => void) | null = null

  typing(principal: Principal, conversationId: string, on: boolean) {
    if (on && principal.kind === 'operator') this.onOperatorTyping?.(conversationId)
    return this.conversations.ask(conversationId, { type: 'typing', principal, on })
  }

  /** Collision detection (issue 20): the operator has the conversation open, or not any more. */
  viewing(principal: Principal, conversationId: string, on: boolean) {
    const op = requireOperator(principal)
    return this.conversations.ask(conversationId, {
      type: 'viewing',
      principal: op,
      on,
      ttlMs: VIEWING_TTL_MS,
    })
  }

  mark(
    principal: Principal,
    conversationId: string,
    marks: { readSeq?: number; deliveredSeq?: number },
  ) {
    return this.conversations.ask(conversationId, { type: 'mark', principal, ...marks })
  }

  /**
   * The visitor rates the conversation's latest resolution (C10) on its inbox's scale: stars
   * 1-5, thumbs 0 or 1, NPS 0-10, or null to decline; the comment at most 1000 characters.
   * Counted against the visitor's message budget.
   */
  async rate(
    principal: Principal,
    conversationId: string,
    score: number | null,
    comment: string | null,
  ) {
    if (principal.kind !== 'visitor') {
      throw new ParleyError('forbidden', 'only the visitor rates a conversation')
    }
    const scale = (await this.inbox(principal.inboxId))?.settings.rating ?? 'off'
    if (scale === 'off') throw new ParleyError('conflict', 'this inbox takes no ratings')
    const range = RATING_RANGES[scale]
    if (score !== null && (!Number.isInteger(score) || score < range.min || score > range.max)) {
      throw new ParleyError(
        'validation_failed',
        `score: ${scale} ratings are whole numbers from ${range.min} to ${range.max}`,
      )
    }
    const text = comment?.trim() ?? ''
    if (text.length > MAX_RATING_COMMENT) {
      throw new ParleyError(
        'validation_failed',
        `comment: at most ${MAX_RATING_COMMENT} characters`,
      )
    }
    await this.limitVisitorSend(principal)
    return this.conversations.ask(conversationId, {
      type: 'rate',
      principal,
      scale,
      score,
      comment: text === '' ? null : text,
    })
  }

  /**
   * The visitor went to another page while the conversation is open (identity and context):
   * a `conversation.context` event, none for the same page again or a conversation not open.
   * At most PAGES_PER_MINUTE per visitor (a burst of 10).
   */
  async page(principal: Principal, conversationId: string, page: { url: string; title?: string }) {
    if (principal.kind !== 'visitor') {
      throw new ParleyError('forbidden', 'only the visitor reports their page')
    }
    this.pageLimiter.take(principal.id, 'page updates')
    return this.conversations.ask(conversationId, {
      type: 'page',
      principal,
      url: page.url,
      title: page.title || null,
    })
  }

  setStatus(principal: Principal, conversationId: string, status: ConversationStatus) {
    return this.conversations.ask(conversationId, { type: 'set_status', principal, status })
  }

  /** How urgent it is (issue 20): operators who may handle it. */
  setPriority(principal: Principal, conversationId: string, priority: ConversationPriority) {
    const op = requireOperator(principal)
    return this.conversations.ask(conversationId, { type: 'set_priority', principal: op, priority })
  }

  /**
   * Labels on and off (issue 20). Every added one must be a label of the conversation's inbox
   * (`validation_failed` naming the first that is not); removing one it lacks changes nothing.
   */
  async setLabels(
    principal: Principal,
    conversationId: string,
    change: { add?: readonly string[]; remove?: readonly string[] },
  ) {
    const op = requireOperator(principal)
    const add = change.add ?? []
    const remove = change.remove ?? []
    if (add.length > 0) {
      const { conversation } = await this.open(op, conversationId)
      const known = new Set((await this.store.labels.list(conversation.inboxId)).map((l) => l.id))
      const unknown = add.find((id) => !known.has(id))
      if (unknown !== undefined) {
        throw new ParleyError('validation_failed', `add: ${unknown} is not a label of this inbox`)
      }
    }
    return this.conversations.ask(conversationId, {
      type: 'set_labels',
      principal: op,
      add,
      remove,
    })
  }

  /**
   * Conversation attributes set and removed (issue 20): each key must be a conversation
   * attribute its inbox defines, each value one of its type (`validation_failed` naming the
   * first that is not). Removing a key it lacks changes nothing.
   */
  async setAttributes(
    principal: Principal,
    conversationId: string,
    changes: Readonly<Record<string, AttributeValue | null>>,
  ) {
    const op = requireOperator(principal)
    const { conversation } = await this.open(op, conversationId)
    const defined = new Map(
      (await this.store.attributes.list(conversation.inboxId))
        .filter((d) => d.scope === 'conversation')
        .map((d) => [d.key, d]),
    )
    const checked: Record<string, AttributeValue | null> = {}
    for (const [key, raw] of Object.entries(changes)) {
      const def = defined.get(key)
      if (raw === null) {
        checked[key] = null
        continue
      }
      if (!def) {
        throw new ParleyError(
          'validation_failed',
          `attributes.${key}: not a conversation attribute of this inbox`,
        )
      }
      const value = attributeValue(def, raw)
      if ('error' in value) {
        throw new ParleyError('validation_failed', `attributes.${key}: ${value.error}`)
      }
      checked[key] = value.value
    }
    return this.conversations.ask(conversationId, {
      type: 'set_attributes',
      principal: op,
      changes: checked,
    })
  }

  /**
   * Runs the conversation under an SLA policy of its inbox from now, or (null) under none
   * (issue 20). A policy of another inbox does not exist here.
   */
  async applySla(principal: Principal, conversationId: string, policyId: string | null) {
    const op = requireOperator(principal)
    const { conversation } = await this.open(op, conversationId)
    let policy: SlaPolicy | null = null
    if (policyId !== null) {
      policy = await this.store.slaPolicies.get(policyId)
      if (!policy || policy.inboxId !== conversation.inboxId) {
        throw new ParleyError(
          'validation_failed',
          `policyId: ${policyId} is not an SLA policy of this inbox`,
        )
      }
    }
    return this.conversations.ask(conversationId, { type: 'apply_sla', principal: op, policy })
  }

  /**
   * A conversation attribute its inbox deleted: its value goes from every conversation holding
   * one, each through its actor. Returns how many it was removed from.
   */
  async dropAttribute(inboxId: string, key: string): Promise<number> {
    let dropped = 0
    for (let after = ''; ;) {
      const ids = await this.store.attributes.conversationsWith(inboxId, key, after, DROP_PAGE)
      for (const id of ids) {
        if (await this.conversations.ask(id, { type: 'drop_attribute', key })) dropped++
      }
      const last = ids.at(-1)
      if (ids.length < DROP_PAGE || last === undefined) return dropped
      after = last
    }
  }

  /** Set an open conversation aside until a time or (null) until its visitor writes. */
  snooze(principal: Principal, conversationId: string, until: number | null) {
    const op = requireOperator(principal)
    return this.conversations.ask(conversationId, { type: 'snooze', principal: op, until })
  }

  /** Wake a snoozed conversation now. */
  unsnooze(principal: Principal, conversationId: string) {
    const op = requireOperator(principal)
    return this.conversations.ask(conversationId, { type: 'unsnooze', principal: op })
  }

  /**
   * A label its inbox deleted comes off every conversation that carries it, each through its
   * actor (an event by the system). Returns how many it was taken off. Pages of the store's
   * matches, so a label on many conversations is never read whole.
   */
  async dropLabel(inboxId: string, labelId: string): Promise<number> {
    let dropped = 0
    for (let after = ''; ;) {
      const ids = await this.store.labels.conversationsWith(inboxId, labelId, after, DROP_PAGE)
      for (const id of ids) {
        if (await this.conversations.ask(id, { type: 'drop_label', labelId })) dropped++
      }
      const last = ids.at(-1)
      if (ids.length < DROP_PAGE || last === undefined) return dropped
      after = last
    }
  }

  /** Auto-resolve (issue 20): resolves it if still open, not snoozed and silent since then. */
  autoResolve(conversationId: string, idleSince: number, text: { en: string; ru: string }) {
    return this.conversations.ask(conversationId, { type: 'auto_resolve', idleSince, text })
  }

  /** Retention: closes the conversation if it is still resolved and idle since then. */
  closeIdle(conversationId: string, idleSince: number): Promise<boolean> {
    return this.conversations.ask(conversationId, { type: 'close_idle', idleSince })
  }

  /** Erasure (issue 18): the conversation's content goes, through its actor. */
  erase(conversationId: string, by: Party): Promise<{ erased: boolean; seq: number }> {
    return this.conversations.ask(conversationId, { type: 'erase', by })
  }

  /** Message history by seq, oldest first; `beforeSeq` pages upward. Checks access first. */
  async history(
    principal: Principal,
    conversationId: string,
    opts: { beforeSeq?: number; afterSeq?: number; limit?: number },
  ): Promise<{ messages: Message[]; hasMore: boolean; activity?: ConversationEvent[] }> {
    await this.open(principal, conversationId)
    const limit = clampLimit(opts.limit, 50)
    // Without a cursor the page is the newest messages; afterSeq pages forward, beforeSeq back.
    const forward = opts.afterSeq !== undefined
    const rows = await this.store.queries.listMessages(conversationId, {
      beforeSeq: forward ? opts.beforeSeq : (opts.beforeSeq ?? Number.MAX_SAFE_INTEGER),
      afterSeq: opts.afterSeq,
      limit: limit + 1,
    })
    const hasMore = rows.length > limit
    // One extra row tells whether there is more in the paging direction; drop it from the far end.
    const messages = !hasMore ? rows : forward ? rows.slice(0, limit) : rows.slice(1)
    // Scrolling up, an operator also gets the page's notes and activity lines (its live
    // subscription started at the newest page): the events between this page and the next.
    if (principal.kind !== 'operator' || forward || opts.beforeSeq === undefined) {
      return { messages, hasMore }
    }
    const from = hasMore ? (messages[0]?.seq ?? opts.beforeSeq) : 0
    const events = await this.store.conversations.eventsAfter(
      conversationId,
      Math.max(0, from - 1),
      Math.min(MAX_ACTIVITY_READ, opts.beforeSeq - from),
    )
    const activity = events.filter((e) => e.seq < (opts.beforeSeq ?? 0) && ACTIVITY.has(e.name))
    return { messages, hasMore, activity }
  }

  /** The visitor's conversations, newest activity first, with newest message and unread count. */
  async listVisitorConversations(principal: Principal): Promise<VisitorConversation[]> {
    if (principal.kind !== 'visitor') throw new ParleyError('forbidden', 'visitors only')
    // Read side by side: one started between the two reads shows without a message until the
    // next read.
    const [list, summaries] = await Promise.all([
      this.store.queries.listVisitorConversations(principal.id),
      this.store.queries.visitorSummaries(principal.id),
    ])
    const byId = new Map(summaries.map((s) => [s.conversationId, s]))
    return list.map((c) => ({
      ...forVisitor(c),
      lastMessage: byId.get(c.id)?.lastMessage ?? null,
      unread: byId.get(c.id)?.unread ?? 0,
    }))
  }

  /**
   * The operators' list (O1, O2, issue 16): a view (all, mine, unassigned) under filters, in
   * an order (activity, waiting), only of the inboxes in the operator's scope; each row with
   * its visitor, newest message and assignee.
   */
  async listInbox(
    principal: Principal,
    opts: Omit<InboxFilter, 'inboxIds'> & {
      /** Only what the caller follows (issue 20's participants). */
      following?: boolean
      view?: InboxView
      sort?: InboxSort
      cursor: string | null
      limit?: number
    },
  ): Promise<Page<InboxItem>> {
    const op = listingOperator(principal, opts.inboxId)
    await this.checkLabelFilter(op, opts.labelId)
    const { following, ...rest } = opts
    const page = await this.store.queries.listInbox({
      ...rest,
      ...(await this.followedFilter(op.id, following)),
      inboxIds: op.inboxIds ?? null,
      operatorId: op.id,
      limit: clampLimit(opts.limit, 30),
    })
    return { items: await inboxItems(this.store.queries, page.items), nextCursor: page.nextCursor }
  }

  /** How many rows each view of listInbox shows under these filters. */
  async listCounts(
    principal: Principal,
    filter: Omit<InboxFilter, 'inboxIds'> & { following?: boolean },
  ): Promise<InboxCounts> {
    const op = listingOperator(principal, filter.inboxId)
    await this.checkLabelFilter(op, filter.labelId)
    const { following, ...rest } = filter
    return this.store.queries.countInbox({
      ...rest,
      ...(await this.followedFilter(op.id, following)),
      inboxIds: op.inboxIds ?? null,
      operatorId: op.id,
    })
  }

  /** `following`: only what the operator follows (issue 20's participants). */
  private async followedFilter(
    operatorId: string,
    following: boolean | undefined,
  ): Promise<{ conversationIds?: string[] }> {
    if (!following) return {}
    return { conversationIds: await this.store.followers.followedBy(operatorId, MAX_FOLLOWED) }
  }

  /**
   * Follow a conversation or stop (issue 20's participants): any operator who may view it,
   * assigned or not, at most MAX_FOLLOWED at once. Its panels hear of the change (no event:
   * following is not part of the conversation's log). Returns who follows it now.
   */
  async follow(
    principal: Principal,
    conversationId: string,
    on: boolean,
  ): Promise<{ following: boolean; followers: string[] }> {
    const op = requireOperator(principal)
    await this.open(op, conversationId)
    let changed = true
    if (on) await this.store.followers.follow(conversationId, op.id, this.clock.now(), MAX_FOLLOWED)
    else changed = await this.store.followers.unfollow(conversationId, op.id)
    if (changed) this.conversations.tellIfLive(conversationId, { type: 'details_changed' })
    return { following: on, followers: await this.store.followers.followers(conversationId) }
  }

  /** Who follows the conversation, for whoever may view it. */
  async followers(principal: Principal, conversationId: string) {
    const op = requireOperator(principal)
    await this.open(op, conversationId)
    const followers = await this.store.followers.followers(conversationId)
    return { following: followers.includes(op.id), followers }
  }

  /**
   * The notes that mention the operator (issue 20's Mentions view), newest first, only in the
   * inboxes they see now; each with who wrote it and its first MENTION_EXCERPT characters.
   * Keyset pages: pass `nextCursor` back as `cursor`.
   */
  async mentions(principal: Principal, opts: { cursor: string | null; limit?: number }) {
    const op = requireOperator(principal)
    const before = opts.cursor === null ? null : mentionCursor(opts.cursor)
    const limit = clampLimit(opts.limit, 30)
    const rows = await this.store.queries.mentionsOf(op.id, op.inboxIds ?? null, before, limit + 1)
    const page = rows.slice(0, limit)
    const last = page.at(-1)
    return {
      items: page.map((r) => ({
        conversationId: r.conversationId,
        seq: r.seq,
        at: r.at,
        by: { kind: 'operator' as const, id: r.authorId ?? '' },
        excerpt: (r.text ?? '').trim().slice(0, MENTION_EXCERPT),
      })),
      nextCursor:
        rows.length > limit && last
          ? Buffer.from(JSON.stringify([last.at, last.conversationId, last.seq])).toString(
              'base64url',
            )
          : null,
    }
  }

  /** A label filter names a label of an inbox the operator sees; anything else is refused. */
  private async checkLabelFilter(
    op: Extract<Principal, { kind: 'operator' }>,
    labelId: string | undefined,
  ): Promise<void> {
    if (labelId === undefined) return
    const label = await this.store.labels.get(labelId)
    if (!label || !inScope(op, label.inboxId)) {
      throw new ParleyError('validation_failed', 'label: no such label')
    }
  }

  /** A connection of this operator opened (presence, O4). */
  operatorConnected(operatorId: string, connId: string): void {
    let conns = this.operatorConns.get(operatorId)
    if (!conns) this.operatorConns.set(operatorId, (conns = new Set()))
    conns.add(connId)
    this.operators.tell(operatorId, { type: 'connected', connId, node: this.nodeId })
  }

  /** A connection closed; presence ends after the grace period unless another one opens. */
  operatorDisconnected(operatorId: string, connId: string): void {
    const conns = this.operatorConns.get(operatorId)
    conns?.delete(connId)
    if (conns?.size === 0) this.operatorConns.delete(operatorId)
    this.operators.tellIfLive(operatorId, { type: 'disconnected', connId })
  }

  /**
   * Re-announces this node's operator connections (cluster): an operator actor on another node
   * drops connections it stops hearing about, which is how it learns this node died.
   */
  announceConnections(only?: string): void {
    for (const [operatorId, conns] of this.operatorConns) {
      if (only !== undefined && operatorId !== only) continue
      for (const connId of conns) {
        this.operators.tell(operatorId, { type: 'connected', connId, node: this.nodeId })
      }
    }
  }

  /** Sets one's own status, for every tab and device of the operator (O4). */
  setOperatorStatus(principal: Principal, status: OperatorStatus) {
    const op = requireOperator(principal)
    return this.operators.ask(op.id, { type: 'set_status', status })
  }

  /** Status, presence, badge totals and unread per conversation (O2, O3). */
  operatorSnapshot(principal: Principal) {
    const op = requireOperator(principal)
    return this.operators.ask(op.id, { type: 'snapshot', node: this.nodeId })
  }

  /** Assign to an operator (own id: "assign to me") or release with null; the inbox decides. */
  async assign(principal: Principal, conversationId: string, operatorId: string | null) {
    const op = requireOperator(principal)
    const view = await this.open(op, conversationId)
    const result = await this.inboxes.ask(view.conversation.inboxId, {
      type: 'assign',
      conversationId,
      operatorId,
      principal: op,
    })
    await this.audit?.record({
      actor: op,
      action: operatorId === null ? 'conversation.released' : 'conversation.assigned',
      target: { kind: 'conversation', id: conversationId },
      details: operatorId === null ? null : { operatorId },
    })
    return result
  }

  /**
   * A conversation's place in its branch's queue (R6): 1 for the next one routed; null when it
   * is not waiting (assigned, resolved or closed). Whoever may view it may ask.
   */
  async queuePosition(principal: Principal, conversationId: string) {
    const { conversation: c } = await this.open(principal, conversationId)
    if (c.status !== 'open' || c.assigneeId !== null) return { position: null }
    const ahead = await this.store.queries.queueAhead(
      c.inboxId,
      c.branchId ?? c.inboxId,
      PRIORITY_RANK[c.priority ?? 'normal'],
      c.createdAt,
      c.id,
    )
    return { position: ahead + 1 }
  }

  /**
   * The names visitors see for these operators (display name, else first name) and their
   * pictures (null: initials), for whoever may
   * view the conversation: only members of its inbox and its assignee are named, so a visitor
   * cannot look up any operator by id.
   */
  async operatorNames(principal: Principal, conversationId: string, ids: readonly string[]) {
    const { conversation } = await this.open(principal, conversationId)
    const members = new Set(await this.store.inboxes.members(conversation.inboxId))
    if (conversation.assigneeId) members.add(conversation.assigneeId)
    const wanted = [...new Set(ids)].filter((id) => members.has(id))
    const found = await Promise.all(wanted.map((id) => this.store.operators.getById(id)))
    return {
      operators: found.flatMap((op) =>
        op ? [{ id: op.id, name: publicName(op), avatarId: op.avatarId }] : [],
      ),
    }
  }

  /** Hand a conversation to a colleague or a branch (R4); the inbox decides. */
  async transfer(
    principal: Principal,
    conversationId: string,
    to: { operatorId: string } | { branchId: string },
    note?: string,
  ) {
    const op = requireOperator(principal)
    const view = await this.open(op, conversationId)
    const result = await this.inboxes.ask(view.conversation.inboxId, {
      type: 'transfer',
      conversationId,
      to,
      ...(note ? { note } : {}),
      principal: op,
    })
    // The note is conversation content: it stays out of the trail.
    await this.audit?.record({
      actor: op,
      action: 'conversation.transferred',
      target: { kind: 'conversation', id: conversationId },
      details: { ...to },
    })
    return result
  }

  /** An operator's role, permission or inbox membership changed. */
  refreshOperator(operatorId: string): void {
    this.operators.tellIfLive(operatorId, { type: 'refresh' })
  }

  /** An inbox's settings or members changed. */
  /** A deleted branch's conversation was moved in the store: its live actor follows. */
  rebranched(conversationId: string, from: string, to: string): void {
    this.conversations.tellIfLive(conversationId, { type: 'rebranch', from, to })
  }

  refreshInbox(inboxId: string): void {
    this.forgetInbox(inboxId)
    this.availability?.forget(inboxId)
    this.inboxes.tell(inboxId, { type: 'reload' })
  }

  /** Per-visitor send rate from the inbox setting (S5). */
  private async limitVisitorSend(
    principal: Extract<Principal, { kind: 'visitor' }>,
  ): Promise<void> {
    const inbox = await this.inbox(principal.inboxId)
    const perMinute = inbox?.settings.visitorMessagesPerMinute ?? 30
    const wait = this.sendLimiter.tryTake(
      principal.id,
      Math.max(1, Math.ceil(perMinute / 3)),
      perMinute,
    )
    if (wait > 0)
      throw new ParleyError('rate_limited', 'too many messages; slow down', { retryAfterMs: wait })
  }

  private async inbox(id: string): Promise<InboxRecord | null> {
    const now = this.clock.now()
    const hit = this.inboxCache.get(id)
    if (hit && hit.until > now) return hit.inbox
    const inbox = await this.store.inboxes.get(id)
    if (inbox) this.inboxCache.set(id, { inbox, until: now + INBOX_CACHE_MS })
    return inbox
  }

  /** Drop a cached inbox after its settings changed. */
  forgetInbox(id: string): void {
    this.inboxCache.delete(id)
  }
}

/** A Mentions page's cursor: the position of the previous page's last row. */
function mentionCursor(cursor: string): { at: number; conversationId: string; seq: number } {
  try {
    const [at, conversationId, seq] = JSON.parse(Buffer.from(cursor, 'base64url').toString())
    if (
      Number.isSafeInteger(at) &&
      typeof conversationId === 'string' &&
      Number.isSafeInteger(seq)
    ) {
      return { at, conversationId, seq }
    }
  } catch {
    // Not one of ours: the error below.
  }
  throw new ParleyError('bad_request', 'cursor: not a cursor of this list')
}

/** Conversations read per page while a deleted label comes off them. */
const DROP_PAGE = 200

/** The most conversations one operator follows at once (issue 20's participants). */
export const MAX_FOLLOWED = 500

function requireOperator(principal: Principal): Extract<Principal, { kind: 'operator' }> {
  if (principal.kind !== 'operator') throw new ParleyError('forbidden', 'operators only')
  return principal
}

function clampLimit(limit: number | undefined, fallback: number): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback
  return Math.max(1, Math.min(MAX_PAGE, Math.floor(limit)))
}

/** What a visitor told about themselves, as the API shows it. */
export interface VisitorProfile {
  name: string | null
  email: string | null
  phone: string | null
  attributes: VisitorAttributes
}

/** A conversation's visitor as operators see it (`GET /api/conversations/:id/visitor`). */
export interface ConversationVisitorAnswer {
  visitor: VisitorProfile & {
    id: string
    /** Signed in through the site's identity check. */
    identified: boolean
    /** The site's own user id when identified. */
    externalId: string | null
    /** When the visitor was erased (issue 18, S8): the fields above are empty; null: never. */
    erasedAt: number | null
  }
  /** The newest page the widget reported, with browser, OS and device; null when none. */
  context: VisitorContext | null
  /** The pages visited in this conversation, newest first, at most VISITOR_LIST_MAX. */
  pages: Array<{ url: string; title: string | null; at: number }>
  /** The visitor's other conversations the caller may see, newest activity first. */
  conversations: Array<{
    id: string
    status: ConversationStatus
    createdAt: number
    lastActivityAt: number
    /** The newest message's text (or file name), at most PREVIEW_MAX characters; null: none. */
    lastMessage: string | null
  }>
}

function visitorView(v: VisitorRecord): ConversationVisitorAnswer['visitor'] {
  return {
    id: v.id,
    identified: v.externalId !== null,
    externalId: v.externalId,
    erasedAt: v.erasedAt ?? null,
    ...profileOf(v),
  }
}

function previewText(m: Message | undefined): string | null {
  if (!m || m.deletedAt !== null) return null
  const text = m.text.trim() || m.attachments?.[0]?.name || ''
  // Code points, so a cut never splits a surrogate pair.
  return text === '' ? null : [...text].slice(0, PREVIEW_MAX).join('')
}

function profileOf(v: VisitorRecord): VisitorProfile {
  return { name: v.name, email: v.email, phone: v.phone ?? null, attributes: v.attributes ?? {} }
}

/** A form field's value on the visitor: its own field or an attribute. */
function profileValue(v: VisitorRecord, key: string): unknown {
  if (key === 'name' || key === 'email' || key === 'phone') return v[key]
  return v.attributes?.[key]
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
}
