/**
 * One live actor per conversation. It owns seq assignment, the idempotency of sends, read
 * watermarks and typing. Every command follows the same pipeline: authorize, compute the next
 * state, persist it (group-committed by the store), swap it in, reply, then publish.
 */
import { CAMPAIGN_AUTHOR } from '../../protocol/campaigns.ts'
import {
  EMPTY_CONTEXT,
  isActive,
  MAX_CONVERSATION_LABELS,
  MAX_SNOOZE_MS,
  ParleyError,
  RATING_CHANGE_MS,
  type Rating,
  type Attachment,
  type ConversationEvent,
  type ConversationPriority,
  type EventFrame,
  type Message,
  type Note,
  type VisitorLocation,
  type Party,
  type ReadState,
  type StoredEventData,
  type EphemeralEventFrame,
  type TypingEventFrame,
  type ViewersEventFrame,
  type VisitorContext,
} from '../../protocol/index.ts'
import { MAX_CONVERSATION_ATTRIBUTES, type AttributeValue } from '../../protocol/attributes.ts'
import type { InboxBus, InboxChange } from '../bus.ts'
import {
  AUTO_REPLY_AUTHOR,
  DEFAULT_INBOX_SETTINGS,
  WAITING_CLIENT_ID_PREFIX,
  attachmentView,
  type AttachmentStore,
  type ConversationRecord,
  type ConversationStore,
  type ConversationWrite,
  type InboxStore,
  type LocalizedText,
  type MessagePatch,
} from '../ports.ts'
import { Actor, newId, type ActorContext } from '../runtime/index.ts'
import { authorize, partyKey, partyOf, type Principal } from './access.ts'
import type { ConversationCommand, ConversationReplies, NoteAck, SendAck } from './commands.ts'
import { checkOwnUnread, checkText, forVisitor, newMessage, toWire } from './rules.ts'
import { SendLog } from './send-log.ts'
import { appliedSla, dueBreaches, SLA_SYSTEM, slaAfter, wallClock, type SlaClock } from './sla.ts'
import type { SlaPolicy } from '../../protocol/sla.ts'

/** Where the actor's events go once durable (the server's hub; NATS in a cluster). */
export interface ConversationPublisher {
  publish(frame: EventFrame | EphemeralEventFrame): void
}

export interface ConversationDeps {
  store: ConversationStore
  publisher: ConversationPublisher
  /** Where committed changes are announced to the inbox and operator actors. */
  inboxBus: InboxBus
  /** Typing "on" expires after this long without a refresh (C4). */
  typingTtlMs: number
  /**
   * In a cluster: take a fresh owner epoch on activation and send it with every write, so the
   * store refuses writes of an older owner (a node paused past its lease). A refused write
   * stops this actor: it has been replaced.
   */
  fenced?: boolean
  /** Uploaded files a message may carry (F1); without it a message with files is refused. */
  attachments?: Pick<AttachmentStore, 'getMany'>
  /** The inbox's settings (attachmentMaxMessageBytes); without it, the default limit. */
  inboxes?: Pick<InboxStore, 'get'>
  /** How long a deleted message's files stay in storage before the cleanup job removes them. */
  attachmentGraceMs?: number
  /**
   * True when an endpoint of the inbox may report one of these events (issue 17): the write
   * then marks them in the webhook outbox, in its own transaction.
   */
  outbox?: (inboxId: string, events: readonly ConversationEvent[]) => boolean
  /**
   * Whether these events go into the automation rules' outbox (issue 20): true when an enabled
   * rule of the inbox is triggered by one of them. Marked in the write's own transaction.
   */
  ruleMarks?: (inboxId: string, events: readonly ConversationEvent[]) => boolean
  /** Counts SLA targets (issue 20) in wall time or a branch's open hours; default wall time. */
  slaClock?: SlaClock
}

/** Default grace before a deleted message's files leave the storage. */
const ATTACHMENT_GRACE_MS = 24 * 60 * 60 * 1000

type Reply<K extends ConversationCommand['type']> = ConversationReplies[K]

/** Commands an erased conversation refuses: whatever would write content or reopen it. */
const WRITES_CONTENT: ReadonlySet<ConversationCommand['type']> = new Set([
  'send',
  'note',
  'edit',
  'delete',
  'typing',
  'set_status',
  'set_priority',
  'set_labels',
  'set_attributes',
  'apply_sla',
  'snooze',
  'unsnooze',
  'rate',
  'page',
  'waiting_reply',
] satisfies ConversationCommand['type'][])

/** Log rows read per page while an erasure looks for what to redact. */
const ERASE_READ_PAGE = 1000

/** Who resolves a conversation left without a message too long (issue 20). */
const AUTO_RESOLVE: Party = { kind: 'system', id: 'auto_resolve' }

/** Who wakes a snoozed conversation when its time comes. */
const SNOOZE_SYSTEM: Party = { kind: 'system', id: 'snooze' }

/** Who takes off a label its inbox deleted. */
const LABELS_SYSTEM: Party = { kind: 'system', id: 'labels' }

/** Who removes the value of an attribute its inbox deleted. */
const ATTRIBUTES_SYSTEM: Party = { kind: 'system', id: 'attributes' }

/** The author of automatic replies (R7): the system, never an operator. */
const AUTO_REPLY: Party = { kind: 'system', id: AUTO_REPLY_AUTHOR }
const CAMPAIGN: Party = { kind: 'system', id: CAMPAIGN_AUTHOR }

export class ConversationActor extends Actor<ConversationCommand, ConversationReplies> {
  private conv: ConversationRecord | null = null
  private readonly readStates = new Map<string, ReadState>()
  private readonly typing = new Map<string, Party>()
  /** Operators who have it open (issue 20): ephemeral, like typing. */
  private readonly viewers = new Set<string>()
  private readonly sends = new SendLog()
  /** Owner epoch of this activation (fenced actors only). */
  private epoch: number | undefined
  /** The visitor's latest context; undefined until read from the log. */
  private context: VisitorContext | null | undefined = undefined

  constructor(
    key: string,
    ctx: ActorContext,
    private readonly deps: ConversationDeps,
  ) {
    super(key, ctx)
  }

  protected override async activate(): Promise<void> {
    if (this.deps.fenced) this.epoch = (await this.deps.store.acquire(this.key)) ?? 0
    const loaded = await this.deps.store.loadConversation(this.key)
    if (!loaded) return
    this.conv = loaded.conversation
    for (const rs of loaded.readStates) this.readStates.set(partyKey(rs.reader), rs)
  }

  protected async receive(cmd: ConversationCommand): Promise<Reply<ConversationCommand['type']>> {
    // Nothing stored under this key and not a create: answer (not found) and leave memory.
    if (!this.conv && cmd.type !== 'create') this.stopAfterReply()
    if (this.conv?.erasedAt !== undefined && WRITES_CONTENT.has(cmd.type)) {
      throw new ParleyError('conflict', 'this conversation was erased')
    }
    switch (cmd.type) {
      case 'create':
        return this.create(cmd.principal, cmd.first, cmd)
      case 'open':
        return this.open(cmd.principal)
      case 'send':
        return this.send(cmd.principal, cmd.clientMsgId, cmd.text, cmd.attachmentIds ?? [])
      case 'note':
        return this.note(cmd)
      case 'edit':
        return this.edit(cmd.principal, cmd.messageId, cmd.text)
      case 'delete':
        return this.remove(cmd.principal, cmd.messageId)
      case 'typing':
        return this.setTyping(cmd.principal, cmd.on)
      case 'typing_expired':
        return this.typingExpired(cmd.key)
      case 'viewing':
        return this.setViewing(cmd.principal, cmd.on, cmd.ttlMs)
      case 'viewing_expired':
        if (this.viewers.delete(cmd.operatorId)) this.publishViewersAfterReply()
        return undefined
      case 'mark':
        return this.mark(cmd.principal, cmd.readSeq, cmd.deliveredSeq)
      case 'set_status':
        return this.setStatus(cmd.principal, cmd.status)
      case 'set_priority':
        return this.setPriority(cmd.principal, cmd.priority)
      case 'set_labels':
        return this.setLabels(partyOf(cmd.principal), cmd.add, cmd.remove, cmd.principal)
      case 'drop_label':
        return this.dropLabel(cmd.labelId)
      case 'set_attributes':
        return this.setAttributes(partyOf(cmd.principal), cmd.changes, cmd.principal)
      case 'apply_sla':
        return this.applySla(cmd.principal, cmd.policy)
      case 'sla_check':
        return this.checkSla()
      case 'drop_attribute': {
        if (this.conv?.attributes?.[cmd.key] === undefined) return false
        await this.setAttributes(ATTRIBUTES_SYSTEM, { [cmd.key]: null }, null)
        return true
      }
      case 'snooze':
        return this.snooze(cmd.principal, cmd.until)
      case 'unsnooze': {
        const conv = authorize(cmd.principal, this.conv, 'manage')
        if (!conv.snooze) return { snooze: null, seq: conv.lastSeq }
        return this.changeSnooze(conv, null, partyOf(cmd.principal))
      }
      case 'wake':
        if (this.conv?.snooze?.until !== cmd.until) return false
        await this.changeSnooze(this.conv, null, SNOOZE_SYSTEM)
        return true
      case 'close_idle':
        return this.closeIdle(cmd.idleSince)
      case 'auto_resolve':
        return this.autoResolve(cmd.idleSince, cmd.text)
      case 'erase':
        return this.erase(cmd.by)
      case 'assign':
        return this.assign(cmd)
      case 'waiting_reply':
        return this.waitingReply(cmd.since, cmd.text)
      case 'rate':
        return this.rate(cmd)
      case 'page':
        return this.page(cmd)
      case 'peek':
        return this.conv ? toWire(this.conv) : null
      case 'details_changed':
        if (this.conv) {
          this.announce({
            kind: 'details',
            conversation: toWire(this.conv),
            seq: this.conv.lastSeq,
          })
        }
        return undefined
      case 'rebranch':
        // The store already moved it (its branch was deleted): only this copy follows.
        if (this.conv?.branchId === cmd.from) this.conv = { ...this.conv, branchId: cmd.to }
        return undefined
      default:
        return assertNever(cmd)
    }
  }

  private async create(
    principal: Principal,
    first: { clientMsgId?: string; text: string } | undefined,
    route: Pick<
      Extract<ConversationCommand, { type: 'create' }>,
      | 'branchId'
      | 'location'
      | 'offline'
      | 'locale'
      | 'autoReply'
      | 'context'
      | 'channel'
      | 'campaign'
    > = {},
  ): Promise<Reply<'create'>> {
    if (principal.kind !== 'visitor') {
      throw new ParleyError('forbidden', 'only a visitor can start a conversation')
    }
    if (this.conv) return this.createdAlready(principal, first)
    const now = this.ctx.clock.now()
    const base: ConversationRecord = {
      id: this.key,
      inboxId: principal.inboxId,
      visitorId: principal.id,
      status: 'open',
      assigneeId: null,
      lastSeq: 1,
      hasUnansweredIncoming: false,
      waitingSince: null,
      lastMessageAt: null,
      escalationAt: null,
      branchId: route.branchId ?? principal.inboxId,
      location: route.location ?? null,
      offline: route.offline ?? false,
      ...(route.channel ? { channel: route.channel } : {}),
      ...(first && route.campaign ? { campaignId: route.campaign.id } : {}),
      locale: route.locale ?? null,
      createdAt: now,
      updatedAt: now,
      ownerEpoch: this.epoch ?? 0,
    }
    const events = [
      this.event(1, now, {
        name: 'conversation.created',
        data: { conversation: toWire(base), ...(route.context ? { context: route.context } : {}) },
      }),
    ]
    let next = base
    let message: Message | null = null
    if (first) {
      let seq = 1
      if (route.campaign) {
        // The proactive message the visitor answers (issue 20): first, by the system, so the
        // conversation reads as it happened; it answers nothing and waits for nobody.
        const offer = newMessage(this.key, CAMPAIGN, route.campaign.text, null, ++seq, now)
        events.push(this.event(seq, now, { name: 'message.created', data: { message: offer } }))
      }
      message = newMessage(
        this.key,
        partyOf(principal),
        first.text,
        first.clientMsgId ?? null,
        ++seq,
        now,
      )
      next = {
        ...base,
        lastSeq: seq,
        hasUnansweredIncoming: true,
        waitingSince: now,
        lastMessageAt: now,
      }
      events.push(this.event(seq, now, { name: 'message.created', data: { message } }))
      if (route.autoReply) {
        // Written with the conversation itself: exactly once, whatever is retried or restarts
        // (R7). It answers nothing: the visitor's message stays unanswered for operators.
        const reply = newMessage(this.key, AUTO_REPLY, route.autoReply.text, null, ++seq, now)
        next = { ...next, lastSeq: seq }
        events.push(this.event(seq, now, { name: 'message.created', data: { message: reply } }))
      }
    }
    await this.write({
      conversationId: this.key,
      create: next,
      events,
    })
    this.conv = next
    this.context = route.context ?? null
    this.publishAfterReply(events)
    this.announce({ kind: 'created', conversation: toWire(next), seq: next.lastSeq })
    const ack = message ? this.sends.remember(message, false) : null
    return { conversation: toWire(next), message: ack }
  }

  /**
   * A retried start (same visitor, same client id, hence the same derived conversation id)
   * answers with the conversation and the original first-message ack.
   */
  private async createdAlready(
    principal: Principal,
    first: { clientMsgId?: string; text: string } | undefined,
  ): Promise<Reply<'create'>> {
    const conv = authorize(principal, this.conv, 'participate')
    const clientMsgId = first?.clientMsgId
    const message = clientMsgId ? await this.findSend(partyOf(principal), clientMsgId) : null
    return { conversation: forVisitor(toWire(conv)), message }
  }

  private async open(principal: Principal): Promise<Reply<'open'>> {
    let conv = authorize(principal, this.conv, 'view')
    // The assignee's first open stops the escalation for good (R3). No event: nothing a
    // client replays changes, only the deadline disappears.
    if (this.isAssignee(principal) && conv.escalationAt !== null) {
      const next = { ...conv, escalationAt: null, updatedAt: this.ctx.clock.now() }
      await this.commit(next, { events: [] })
      this.announce({ kind: 'opened', conversation: toWire(next), seq: next.lastSeq })
      conv = next
    }
    return {
      conversation: principal.kind === 'visitor' ? forVisitor(toWire(conv)) : toWire(conv),
      readStates: [...this.readStates.values()],
      typing: [...this.typing.values()],
    }
  }

  private async send(
    principal: Principal,
    clientMsgId: string,
    text: string,
    attachmentIds: readonly string[],
  ): Promise<Reply<'send'>> {
    const conv = authorize(principal, this.conv, 'participate')
    // Text may be empty only when files carry the message.
    if (attachmentIds.length === 0 || text !== '') checkText(text)
    const author = partyOf(principal)
    // Retries of recent sends answer from memory. An older one (after passivation or a restart)
    // is caught by the store's unique client id below: no store read on the common path.
    const known = this.sends.find(author, clientMsgId)
    if (known) return known
    let files: Attachment[] = []
    if (attachmentIds.length > 0) {
      try {
        files = await this.uploadsFor(conv.inboxId, author, attachmentIds)
      } catch (error) {
        // Files already taken may be this very message's, sent before a restart: its retry
        // gets the original ack.
        const raced = await this.findSend(author, clientMsgId)
        if (raced) return raced
        throw error
      }
    }
    const now = this.ctx.clock.now()
    let seq = conv.lastSeq
    const events: ConversationEvent[] = []
    let status = conv.status
    // A visitor writing into a resolved or closed conversation reopens it (C9); into a pending
    // one, opens it again: the team was waiting for this (issue 20).
    if (author.kind === 'visitor' && status !== 'open') {
      status = 'open'
      events.push(
        this.event(++seq, now, { name: 'conversation.status', data: { status, by: author } }),
      )
    }
    // Their visitor writing wakes a snoozed one (issue 20); only an open one is snoozed.
    const woke = author.kind === 'visitor' && conv.snooze !== undefined
    if (woke) {
      events.push(
        this.event(++seq, now, {
          name: 'conversation.snoozed',
          data: { snooze: null, by: author },
        }),
      )
    }
    const message: Message = {
      ...newMessage(this.key, author, text, clientMsgId, ++seq, now),
      ...(files.length > 0 ? { attachments: files } : {}),
    }
    events.push(this.event(seq, now, { name: 'message.created', data: { message } }))
    const next: ConversationRecord = {
      ...(woke ? withoutSnooze(conv) : conv),
      status,
      lastSeq: seq,
      // The system's messages (a rule's) answer nothing: the visitor still waits for a person.
      hasUnansweredIncoming:
        author.kind === 'system' ? conv.hasUnansweredIncoming : author.kind === 'visitor',
      // A visitor's message starts a wait unless one runs; an operator's ends it.
      waitingSince:
        author.kind === 'visitor'
          ? (conv.waitingSince ?? now)
          : author.kind === 'system'
            ? (conv.waitingSince ?? null)
            : null,
      lastMessageAt: now,
      escalationAt: this.isAssignee(principal) ? null : conv.escalationAt,
      updatedAt: now,
    }
    try {
      await this.commit(next, {
        events,
        ...(files.length > 0
          ? {
              linkAttachments: { messageId: message.id, ids: [...attachmentIds], uploader: author },
            }
          : {}),
      })
    } catch (error) {
      // The write is atomic, so nothing changed. A conflict may be the client id, already
      // stored: a retry of a message this actor no longer remembers gets the original ack.
      // Any other failure (a store that is failing or stalled) goes back to the client at once:
      // its retry, with the same client id, finds out then.
      if (!(error instanceof ParleyError && error.code === 'conflict')) throw error
      const raced = await this.findSend(author, clientMsgId)
      if (raced) return raced
      throw error
    }
    this.stopTyping(author)
    if (status !== conv.status)
      this.announce({ kind: 'status', conversation: toWire(next), seq: seq - 1 })
    if (woke) this.announce({ kind: 'triage', conversation: toWire(next), seq: seq - 1 })
    this.announce({ kind: 'message', conversation: toWire(next), seq, author: author.kind })
    return this.sends.remember(message, false)
  }

  /**
   * A private note: one `note.created` event. It moves only the seq: no reply, no activity, no
   * unanswered change, so every reader of messages ignores it by construction. Idempotent by
   * client id through the store (notes are few: no memory of acks is kept for them).
   */
  private async note(cmd: Extract<ConversationCommand, { type: 'note' }>): Promise<Reply<'note'>> {
    const conv = authorize(cmd.principal, this.conv, 'participate')
    if (cmd.principal.kind === 'visitor') {
      throw new ParleyError('forbidden', 'only operators write private notes')
    }
    checkText(cmd.text)
    const author = partyOf(cmd.principal)
    const known = await this.deps.store.findNoteByClientId(this.key, author, cmd.clientMsgId)
    if (known) return noteAck(known, true)
    const now = this.ctx.clock.now()
    const seq = conv.lastSeq + 1
    const note: Note = {
      id: newId(),
      conversationId: this.key,
      seq,
      author,
      text: cmd.text,
      mentions: [...cmd.mentions],
      clientMsgId: cmd.clientMsgId,
      createdAt: now,
    }
    const events = [this.event(seq, now, { name: 'note.created', data: { note } })]
    try {
      await this.commit({ ...conv, lastSeq: seq, updatedAt: now }, { events })
    } catch (error) {
      // The client id is taken: this note, stored by a retry racing this one, or a message.
      if (!(error instanceof ParleyError && error.code === 'conflict')) throw error
      const raced = await this.deps.store.findNoteByClientId(this.key, author, cmd.clientMsgId)
      if (raced) return noteAck(raced, true)
      throw error
    }
    return noteAck(note, false)
  }

  /**
   * The automatic reply to a visitor who has waited since `since` without an answer (R7). Its
   * client id names the wait, so the store's unique client id keeps it to one per wait across
   * retries, restarts and failover; the log is read first, so a wait that ended (an operator
   * answered) or whose reply is stored gets nothing. It answers nothing: the visitor's message
   * stays unanswered for operators.
   */
  private async waitingReply(since: number, text: LocalizedText): Promise<Reply<'waiting_reply'>> {
    const conv = this.conv
    if (!conv || conv.status !== 'open') return false
    const words = (conv.locale === 'ru' ? text.ru : text.en).trim() || text.en.trim()
    if (words === '') return false
    const waiting = await this.deps.store.waitingState(this.key)
    if (!waiting || waiting.since !== since || waiting.replied) return false
    const now = this.ctx.clock.now()
    const seq = conv.lastSeq + 1
    const clientMsgId = `${WAITING_CLIENT_ID_PREFIX}${since}`
    const message = newMessage(this.key, AUTO_REPLY, words, clientMsgId, seq, now)
    const events = [this.event(seq, now, { name: 'message.created', data: { message } })]
    const next: ConversationRecord = { ...conv, lastSeq: seq, lastMessageAt: now, updatedAt: now }
    try {
      await this.commit(next, { events })
    } catch (error) {
      // The same wait's reply, stored already (the unique client id): nothing to add.
      if (error instanceof ParleyError && error.code === 'conflict') return false
      throw error
    }
    this.announce({ kind: 'message', conversation: toWire(next), seq, author: 'system' })
    return true
  }

  /**
   * The visitor's rating of the latest resolution (C10): one per resolution, replaced by a
   * later one for RATING_CHANGE_MS after the first, a new one after the next resolution. Read
   * from the log's end (the newest status and rating events): no column to keep in step.
   */
  private async rate(cmd: Extract<ConversationCommand, { type: 'rate' }>): Promise<Reply<'rate'>> {
    const conv = authorize(cmd.principal, this.conv, 'participate')
    if (cmd.principal.kind !== 'visitor') {
      throw new ParleyError('forbidden', 'only the visitor rates a conversation')
    }
    if (isActive(conv.status)) {
      throw new ParleyError('conflict', 'a conversation is rated once it is resolved')
    }
    const resolution = await this.deps.store.lastEvent(this.key, 'conversation.status')
    if (!resolution)
      throw new ParleyError('conflict', 'a conversation is rated once it is resolved')
    const previous = await this.deps.store.lastEvent(this.key, 'conversation.rated')
    const now = this.ctx.clock.now()
    let firstRatedAt = now
    if (previous && previous.data.rating.resolutionSeq === resolution.seq) {
      firstRatedAt = previous.data.rating.firstRatedAt
      if (now - firstRatedAt > RATING_CHANGE_MS) {
        throw new ParleyError('conflict', 'a rating can be changed for 7 days after it is given')
      }
    }
    const rating: Rating = {
      scale: cmd.scale,
      score: cmd.score,
      comment: cmd.comment,
      resolutionSeq: resolution.seq,
      firstRatedAt,
    }
    const seq = conv.lastSeq + 1
    const events = [
      this.event(seq, now, {
        name: 'conversation.rated',
        data: { rating, by: partyOf(cmd.principal) },
      }),
    ]
    await this.commit({ ...conv, lastSeq: seq, updatedAt: now }, { events })
    return { rating, seq }
  }

  /**
   * The visitor is on another page: a `conversation.context` event with the rest of the context
   * kept. Nothing for the same page again, or when the conversation is not open.
   */
  private async page(cmd: Extract<ConversationCommand, { type: 'page' }>): Promise<Reply<'page'>> {
    const conv = authorize(cmd.principal, this.conv, 'participate')
    if (cmd.principal.kind !== 'visitor') {
      throw new ParleyError('forbidden', 'only the visitor reports their page')
    }
    if (!isActive(conv.status)) return { seq: null }
    const previous = await this.currentContext()
    if (previous?.url === cmd.url) return { seq: null }
    const context: VisitorContext = {
      ...(previous ?? EMPTY_CONTEXT),
      url: cmd.url,
      title: cmd.title,
    }
    const now = this.ctx.clock.now()
    const seq = conv.lastSeq + 1
    const events = [this.event(seq, now, { name: 'conversation.context', data: { context } })]
    await this.commit({ ...conv, lastSeq: seq, updatedAt: now }, { events })
    this.context = context
    return { seq }
  }

  /** The newest context: the last page change, else the creation's; read from the log once. */
  private async currentContext(): Promise<VisitorContext | null> {
    if (this.context !== undefined) return this.context
    const changed = await this.deps.store.lastEvent(this.key, 'conversation.context')
    if (changed) return (this.context = changed.data.context)
    const created = await this.deps.store.lastEvent(this.key, 'conversation.created')
    return (this.context = created?.data.context ?? null)
  }

  private async edit(
    principal: Principal,
    messageId: string,
    text: string,
  ): Promise<Reply<'edit'>> {
    checkText(text)
    return this.changeMessage(principal, messageId, (now) => ({ text, editedAt: now }))
  }

  /**
   * Soft delete: the row stays (history: who deleted it, when), its text goes from the log in
   * the same commit (issue 18, S7), so no replay, history read or table scan finds it again.
   * Edits need nothing of the kind: the row holds only the newest text, and a message.updated
   * row points at it instead of copying the message.
   */
  private async remove(principal: Principal, messageId: string): Promise<Reply<'delete'>> {
    return this.changeMessage(principal, messageId, (now, by) => ({
      text: '',
      deletedAt: now,
      deletedBy: by,
    }))
  }

  /**
   * The author's uploads of this conversation, in the order given, each still waiting for a
   * message, together within the inbox's attachmentMaxMessageBytes. Another conversation's or
   * another person's upload is "not found", like a missing one. The store checks again when it
   * links them (a cleanup may expire one meanwhile).
   */
  private async uploadsFor(
    inboxId: string,
    author: Party,
    ids: readonly string[],
  ): Promise<Attachment[]> {
    const store = this.deps.attachments
    if (!store) throw new ParleyError('validation_failed', 'this server takes no attachments')
    const found = new Map((await store.getMany(this.key, ids)).map((r) => [r.id, r]))
    const files = ids.map((id) => {
      const r = found.get(id)
      if (!r || r.uploader.kind !== author.kind || r.uploader.id !== author.id) {
        throw new ParleyError('not_found', `attachment ${id} not found`)
      }
      if (r.status === 'pending') {
        throw new ParleyError('conflict', `attachment ${id} is still uploading`)
      }
      if (r.status !== 'uploaded') {
        throw new ParleyError('conflict', `attachment ${id} is not available to send`)
      }
      return attachmentView(r)
    })
    const total = files.reduce((sum, f) => sum + f.size, 0)
    const limit = await this.messageMaxBytes(inboxId)
    if (total > limit) {
      throw new ParleyError(
        'payload_too_large',
        `the files of a message may total at most ${limit} bytes (attachmentMaxMessageBytes); these total ${total}`,
      )
    }
    return files
  }

  /** The inbox's attachmentMaxMessageBytes, read at each send with files (an admin may change it). */
  private async messageMaxBytes(inboxId: string): Promise<number> {
    const inbox = await this.deps.inboxes?.get(inboxId)
    return (
      inbox?.settings.attachmentMaxMessageBytes ?? DEFAULT_INBOX_SETTINGS.attachmentMaxMessageBytes
    )
  }

  /** Edit and delete: the author's own message, unread by the other side (C6), as one event. */
  private async changeMessage(
    principal: Principal,
    messageId: string,
    change: (now: number, by: Party) => Omit<MessagePatch, 'id'>,
  ): Promise<{ message: Message; seq: number }> {
    const conv = authorize(principal, this.conv, 'participate')
    const message = await this.ownUnreadMessage(principal, messageId)
    const now = this.ctx.clock.now()
    const patch = change(now, partyOf(principal))
    const updated: Message = { ...message, ...patch }
    // A deleted message shows no text and no files, at once; the files' bytes go later.
    if (patch.deletedAt) {
      updated.text = ''
      delete updated.attachments
    }
    const seq = conv.lastSeq + 1
    const next = { ...conv, lastSeq: seq, updatedAt: now }
    const grace = this.deps.attachmentGraceMs ?? ATTACHMENT_GRACE_MS
    await this.commit(next, {
      updateMessages: [{ id: messageId, ...patch }],
      ...(patch.deletedAt && message.attachments?.length
        ? { deleteAttachments: { messageId, purgeAt: now + grace } }
        : {}),
      events: [this.event(seq, now, { name: 'message.updated', data: { message: updated } })],
    })
    this.announce({
      kind: 'message_updated',
      conversation: toWire(next),
      seq,
      author: message.author.kind,
    })
    return { message: updated, seq }
  }

  private async mark(
    principal: Principal,
    readSeq?: number,
    deliveredSeq?: number,
  ): Promise<Reply<'mark'>> {
    const conv = authorize(principal, this.conv, 'participate')
    const reader = partyOf(principal)
    const key = partyKey(reader)
    const current = this.readStates.get(key) ?? { reader, deliveredSeq: 0, readSeq: 0 }
    // Watermarks only move up, never past the newest event; reading implies delivery.
    const read = Math.max(current.readSeq, Math.min(readSeq ?? 0, conv.lastSeq))
    const delivered = Math.max(
      current.deliveredSeq,
      read,
      Math.min(deliveredSeq ?? 0, conv.lastSeq),
    )
    if (read === current.readSeq && delivered === current.deliveredSeq) return current
    const now = this.ctx.clock.now()
    const next: ReadState = { reader, readSeq: read, deliveredSeq: delivered }
    const seq = conv.lastSeq + 1
    const escalationAt = this.isAssignee(principal) ? null : conv.escalationAt
    const nextConv = { ...conv, lastSeq: seq, escalationAt, updatedAt: now }
    await this.commit(nextConv, {
      readStates: [next],
      events: [this.event(seq, now, { name: 'read.updated', data: next })],
    })
    this.readStates.set(key, next)
    this.announce({ kind: 'read', conversation: toWire(nextConv), seq, reader, readSeq: read })
    return next
  }

  private async setStatus(
    principal: Principal,
    status: ConversationRecord['status'],
  ): Promise<Reply<'set_status'>> {
    const conv = authorize(principal, this.conv, 'manage')
    if (conv.status === status) return { status, seq: conv.lastSeq }
    const now = this.ctx.clock.now()
    const seq = conv.lastSeq + 1
    const by = partyOf(principal)
    // A conversation that is no longer open (pending included: the team waits on the visitor)
    // has nothing to escalate, and is snoozed no more.
    const escalationAt = status === 'open' ? conv.escalationAt : null
    const events = [this.event(seq, now, { name: 'conversation.status', data: { status, by } })]
    const woke = status !== 'open' && conv.snooze !== undefined
    if (woke) {
      events.push(
        this.event(seq + 1, now, { name: 'conversation.snoozed', data: { snooze: null, by } }),
      )
    }
    const lastSeq = woke ? seq + 1 : seq
    const base = woke ? withoutSnooze(conv) : conv
    const changed = { ...base, status, escalationAt, lastSeq, updatedAt: now }
    await this.commit(changed, { events })
    this.announce({ kind: 'status', conversation: toWire(changed), seq })
    if (woke) this.announce({ kind: 'triage', conversation: toWire(changed), seq: lastSeq })
    return { status, seq }
  }

  /** How urgent it is (issue 20); the same priority again records nothing. */
  private async setPriority(
    principal: Principal,
    priority: ConversationPriority,
  ): Promise<Reply<'set_priority'>> {
    const conv = authorize(principal, this.conv, 'manage')
    const previous = conv.priority ?? 'normal'
    if (previous === priority) return { priority, seq: conv.lastSeq }
    const now = this.ctx.clock.now()
    const seq = conv.lastSeq + 1
    const by = partyOf(principal)
    const next = { ...conv, priority, lastSeq: seq, updatedAt: now }
    await this.commit(next, {
      events: [
        this.event(seq, now, { name: 'conversation.priority', data: { priority, previous, by } }),
      ],
    })
    this.announce({ kind: 'triage', conversation: toWire(next), seq })
    return { priority, seq }
  }

  /**
   * Labels on and off (issue 20): added ones go after those it has, in the order given; one it
   * has already or lacks is no change. Nothing changed records nothing.
   */
  private async setLabels(
    by: Party,
    add: readonly string[],
    remove: readonly string[],
    principal: Principal | null,
  ): Promise<Reply<'set_labels'>> {
    const conv = principal ? authorize(principal, this.conv, 'manage') : (this.conv ?? notFound())
    const taken = new Set(remove)
    if (add.some((id) => taken.has(id))) {
      throw new ParleyError('validation_failed', 'a label is both added and removed')
    }
    const current = conv.labels ?? []
    const kept = current.filter((id) => !taken.has(id))
    const added = [...new Set(add)].filter((id) => !current.includes(id))
    const labels = [...kept, ...added]
    const removed = current.filter((id) => taken.has(id))
    if (added.length === 0 && removed.length === 0) return { labels: current, seq: conv.lastSeq }
    if (labels.length > MAX_CONVERSATION_LABELS) {
      throw new ParleyError(
        'validation_failed',
        `a conversation carries at most ${MAX_CONVERSATION_LABELS} labels`,
      )
    }
    const now = this.ctx.clock.now()
    const seq = conv.lastSeq + 1
    const next = { ...conv, labels, lastSeq: seq, updatedAt: now }
    await this.commit(next, {
      events: [
        this.event(seq, now, {
          name: 'conversation.labels',
          data: { labels, added, removed, by },
        }),
      ],
    })
    this.announce({ kind: 'triage', conversation: toWire(next), seq })
    return { labels, seq }
  }

  /**
   * Set aside until a time or until the visitor writes (issue 20): open conversations only, a
   * time in the future and at most MAX_SNOOZE_MS ahead. The same snooze again records nothing.
   */
  private async snooze(principal: Principal, until: number | null): Promise<Reply<'snooze'>> {
    const conv = authorize(principal, this.conv, 'manage')
    if (conv.status !== 'open') {
      throw new ParleyError('conflict', 'only an open conversation can be snoozed')
    }
    const now = this.ctx.clock.now()
    if (until !== null && until <= now) {
      throw new ParleyError('validation_failed', 'until: that time has passed')
    }
    if (until !== null && until > now + MAX_SNOOZE_MS) {
      throw new ParleyError('validation_failed', 'until: at most a year ahead')
    }
    if (conv.snooze && conv.snooze.until === until)
      return { snooze: conv.snooze, seq: conv.lastSeq }
    return this.changeSnooze(conv, { until }, partyOf(principal))
  }

  /** Snoozes (or, with null, wakes) it: one `conversation.snoozed` event. */
  private async changeSnooze(
    conv: ConversationRecord,
    snooze: { until: number | null } | null,
    by: Party,
  ): Promise<Reply<'snooze'>> {
    const now = this.ctx.clock.now()
    const seq = conv.lastSeq + 1
    const next = {
      ...withoutSnooze(conv),
      ...(snooze ? { snooze } : {}),
      lastSeq: seq,
      updatedAt: now,
    }
    await this.commit(next, {
      events: [this.event(seq, now, { name: 'conversation.snoozed', data: { snooze, by } })],
    })
    this.announce({ kind: 'triage', conversation: toWire(next), seq })
    return { snooze, seq }
  }

  /**
   * Attribute values set and removed (issue 20): only what differs is recorded, in one
   * `conversation.attributes` event; nothing changed records nothing. An empty set is stored
   * as none.
   */
  private async setAttributes(
    by: Party,
    changes: Readonly<Record<string, AttributeValue | null>>,
    principal: Principal | null,
  ): Promise<Reply<'set_attributes'>> {
    const conv = principal ? authorize(principal, this.conv, 'manage') : (this.conv ?? notFound())
    const current = conv.attributes ?? {}
    const changed: Record<string, AttributeValue | null> = {}
    const attributes = { ...current }
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) {
        if (current[key] === undefined) continue
        delete attributes[key]
      } else {
        if (current[key] === value) continue
        attributes[key] = value
      }
      changed[key] = value
    }
    if (Object.keys(changed).length === 0) return { attributes: current, seq: conv.lastSeq }
    if (Object.keys(attributes).length > MAX_CONVERSATION_ATTRIBUTES) {
      throw new ParleyError(
        'validation_failed',
        `a conversation holds at most ${MAX_CONVERSATION_ATTRIBUTES} attributes`,
      )
    }
    const now = this.ctx.clock.now()
    const seq = conv.lastSeq + 1
    // Kept as an empty object (not absent) so the write clears the column.
    const next = { ...conv, attributes, lastSeq: seq, updatedAt: now }
    await this.commit(next, {
      events: [this.event(seq, now, { name: 'conversation.attributes', data: { changed, by } })],
    })
    this.announce({ kind: 'triage', conversation: toWire(next), seq })
    return { attributes, seq }
  }

  /**
   * Runs it under this SLA policy from now, or (null) under none (issue 20): one
   * `conversation.sla` event. Whether an operator answered already is read from its log.
   */
  private async applySla(
    principal: Principal,
    policy: SlaPolicy | null,
  ): Promise<Reply<'apply_sla'>> {
    const conv = authorize(principal, this.conv, 'manage')
    if (policy === null && !conv.sla) return { sla: null, seq: conv.lastSeq }
    const now = this.ctx.clock.now()
    const clock = this.deps.slaClock ?? wallClock
    const sla = policy
      ? await appliedSla(policy, conv, await this.hasOperatorReply(), now, clock)
      : null
    const seq = conv.lastSeq + 1
    const { sla: _previous, ...rest } = conv
    const next: ConversationRecord = {
      ...rest,
      ...(sla ? { sla } : {}),
      lastSeq: seq,
      updatedAt: now,
    }
    const by = partyOf(principal)
    await this.commit(next, {
      events: [
        this.event(seq, now, {
          name: 'conversation.sla',
          data: { change: sla ? 'applied' : 'removed', sla, by },
        }),
      ],
    })
    this.announce({ kind: 'triage', conversation: toWire(next), seq })
    return { sla: next.sla ?? null, seq }
  }

  /** Whether an operator has written a message in it (read page by page from the log). */
  private async hasOperatorReply(): Promise<boolean> {
    for (let after = 0; ;) {
      const page = await this.deps.store.eventsAfter(this.key, after, ERASE_READ_PAGE)
      if (
        page.some((e) => e.name === 'message.created' && e.data.message.author.kind === 'operator')
      ) {
        return true
      }
      const last = page.at(-1)
      if (page.length < ERASE_READ_PAGE || !last) return false
      after = last.seq
    }
  }

  /** Records each SLA deadline passed by now as a breach: one event each, by the system. */
  private async checkSla(): Promise<Reply<'sla_check'>> {
    const conv = this.conv
    if (!conv?.sla) return 0
    const now = this.ctx.clock.now()
    const { sla, breached } = dueBreaches(conv.sla, now)
    if (breached.length === 0) return 0
    let seq = conv.lastSeq
    const events = breached.map((b) =>
      this.event(++seq, now, {
        name: 'conversation.sla',
        data: { change: 'breached', kind: b.kind, due: b.due, sla, by: SLA_SYSTEM },
      }),
    )
    const next: ConversationRecord = { ...conv, sla, lastSeq: seq, updatedAt: now }
    await this.commit(next, { events })
    this.announce({ kind: 'sla_breached', conversation: toWire(next), seq, breaches: breached })
    return breached.length
  }

  /** A label its inbox deleted goes, by the system; erased ones too (it is not content). */
  private async dropLabel(labelId: string): Promise<boolean> {
    if (!this.conv?.labels?.includes(labelId)) return false
    await this.setLabels(LABELS_SYSTEM, [], [labelId], null)
    return true
  }

  /** Retention: a resolved conversation left alone long enough is closed by the system. */
  private async closeIdle(idleSince: number): Promise<boolean> {
    const conv = this.conv
    if (!conv || conv.status !== 'resolved' || conv.updatedAt >= idleSince) return false
    const now = this.ctx.clock.now()
    const seq = conv.lastSeq + 1
    const next = {
      ...conv,
      status: 'closed' as const,
      escalationAt: null,
      lastSeq: seq,
      updatedAt: now,
    }
    await this.commit(next, {
      events: [
        this.event(seq, now, {
          name: 'conversation.status',
          data: { status: 'closed', by: { kind: 'system', id: 'retention' } },
        }),
      ],
    })
    this.announce({ kind: 'status', conversation: toWire(next), seq })
    return true
  }

  /**
   * Auto-resolve (issue 20): an open or pending conversation nobody wrote in since `idleSince`
   * (and not snoozed: someone chose to wait) is resolved by the system, after a message to the
   * visitor in its language when the inbox wrote one. One write: both or neither.
   */
  private async autoResolve(idleSince: number, text: LocalizedText): Promise<boolean> {
    const conv = this.conv
    if (!conv || !isActive(conv.status) || conv.snooze !== undefined) return false
    if ((conv.lastMessageAt ?? conv.createdAt) >= idleSince) return false
    const now = this.ctx.clock.now()
    const words = (conv.locale === 'ru' ? text.ru : text.en).trim() || text.en.trim()
    const events: ConversationEvent[] = []
    let seq = conv.lastSeq
    let lastMessageAt = conv.lastMessageAt
    if (words !== '') {
      const message = newMessage(this.key, AUTO_REPLY, words, null, ++seq, now)
      events.push(this.event(seq, now, { name: 'message.created', data: { message } }))
      lastMessageAt = now
    }
    const by = AUTO_RESOLVE
    events.push(
      this.event(++seq, now, { name: 'conversation.status', data: { status: 'resolved', by } }),
    )
    const next: ConversationRecord = {
      ...conv,
      status: 'resolved',
      escalationAt: null,
      lastSeq: seq,
      lastMessageAt,
      updatedAt: now,
    }
    await this.commit(next, { events })
    if (words !== '') {
      this.announce({ kind: 'message', conversation: toWire(next), seq: seq - 1, author: 'system' })
    }
    this.announce({ kind: 'status', conversation: toWire(next), seq })
    return true
  }

  /**
   * Erases the content (see the `erase` command): the log is read once for the rows whose data
   * holds something of the visitor (the creation's context and location, rating comments); the
   * rest goes by set-based statements in the same write. Closed by `by`, nobody waiting.
   */
  private async erase(by: Party): Promise<Reply<'erase'>> {
    const conv = this.conv
    if (!conv) throw new ParleyError('not_found', 'conversation not found')
    if (conv.erasedAt !== undefined) return { erased: false, seq: conv.lastSeq }
    const redact: NonNullable<ConversationWrite['erase']>['redact'] = []
    for (let after = 0; ;) {
      const page = await this.deps.store.eventsAfter(this.key, after, ERASE_READ_PAGE)
      for (const e of page) {
        if (e.name === 'conversation.created') {
          const { location, ...rest } = e.data.conversation
          const kept = location ? { location: { ...location, city: null } } : {}
          redact.push({ seq: e.seq, data: { conversation: { ...rest, ...kept } } })
        } else if (e.name === 'conversation.attributes') {
          // Values may be personal (an order number, a CRM link): which keys changed stays.
          const changed = Object.fromEntries(Object.keys(e.data.changed).map((k) => [k, null]))
          redact.push({ seq: e.seq, data: { ...e.data, changed } })
        } else if (e.name === 'conversation.rated' && e.data.rating.comment !== null) {
          redact.push({
            seq: e.seq,
            data: { ...e.data, rating: { ...e.data.rating, comment: null } },
          })
        }
      }
      const last = page.at(-1)
      if (page.length < ERASE_READ_PAGE || !last) break
      after = last.seq
    }
    const now = this.ctx.clock.now()
    const events: ConversationEvent[] = []
    let seq = conv.lastSeq
    if (conv.status !== 'closed') {
      events.push(
        this.event(++seq, now, { name: 'conversation.status', data: { status: 'closed', by } }),
      )
    }
    events.push(this.event(++seq, now, { name: 'conversation.erased', data: { by } }))
    const next: ConversationRecord = {
      ...withoutSnooze(conv),
      status: 'closed',
      escalationAt: null,
      hasUnansweredIncoming: false,
      waitingSince: null,
      location: conv.location ? { ...conv.location, city: null } : null,
      // An empty set, not absent: the write clears the column.
      ...(conv.attributes ? { attributes: {} } : {}),
      lastSeq: seq,
      updatedAt: now,
      erasedAt: now,
    }
    await this.commit(next, { erase: { at: now, redact }, events })
    this.context = null
    this.typing.clear()
    this.announce({ kind: 'status', conversation: toWire(next), seq })
    return { erased: true, seq }
  }

  private async setTyping(principal: Principal, on: boolean): Promise<void> {
    authorize(principal, this.conv, 'participate')
    const party = partyOf(principal)
    const key = partyKey(party)
    if (!on) return this.stopTyping(party)
    if (!this.typing.has(key)) {
      this.typing.set(key, party)
      this.publishTypingAfterReply(party, true)
    }
    this.startTimer(`typing:${key}`, this.deps.typingTtlMs, { type: 'typing_expired', key })
  }

  /** Collision detection (issue 20): who of the team has it open. Operators only. */
  private setViewing(principal: Principal, on: boolean, ttlMs: number): Reply<'viewing'> {
    authorize(principal, this.conv, 'view')
    if (principal.kind !== 'operator') {
      throw new ParleyError('forbidden', 'only operators mark a conversation as open')
    }
    const id = principal.id
    if (on) {
      if (!this.viewers.has(id)) {
        this.viewers.add(id)
        this.publishViewersAfterReply()
      }
      this.startTimer(`view:${id}`, ttlMs, { type: 'viewing_expired', operatorId: id })
    } else {
      this.cancelTimer(`view:${id}`)
      if (this.viewers.delete(id)) this.publishViewersAfterReply()
    }
    return { viewers: [...this.viewers] }
  }

  private publishViewersAfterReply(): void {
    const frame: ViewersEventFrame = {
      type: 'event',
      name: 'viewers',
      conversationId: this.key,
      at: this.ctx.clock.now(),
      data: { operators: [...this.viewers] },
    }
    this.afterReply(() => this.deps.publisher.publish(frame))
  }

  private async typingExpired(key: string): Promise<void> {
    const party = this.typing.get(key)
    if (party) this.stopTyping(party)
  }

  private stopTyping(party: Party): void {
    const key = partyKey(party)
    this.cancelTimer(`typing:${key}`)
    if (!this.typing.delete(key)) return
    this.publishTypingAfterReply(party, false)
  }

  private async assign(
    cmd: Extract<ConversationCommand, { type: 'assign' }>,
  ): Promise<Reply<'assign'>> {
    const conv = this.conv
    if (!conv) return { applied: false, conversation: null }
    const stale =
      conv.assigneeId !== cmd.expect.assigneeId ||
      (cmd.expect.escalationAt !== undefined && conv.escalationAt !== cmd.expect.escalationAt)
    if (stale) return { applied: false, conversation: toWire(conv) }
    const branchId = cmd.branchId ?? conv.branchId
    if (
      conv.assigneeId === cmd.assigneeId &&
      conv.escalationAt === cmd.escalationAt &&
      conv.branchId === branchId
    ) {
      return { applied: true, conversation: toWire(conv) }
    }
    // Only open or pending conversations get an assignee (one resolved mid-decision stays as
    // it is).
    if (cmd.assigneeId !== null && !isActive(conv.status)) {
      return { applied: false, conversation: toWire(conv) }
    }
    const now = this.ctx.clock.now()
    const escalationAt = cmd.assigneeId === null ? null : cmd.escalationAt
    if (conv.assigneeId === cmd.assigneeId && conv.branchId === branchId) {
      // Same assignee, new deadline only: not an assignment change, so no event.
      const next = { ...conv, escalationAt, branchId, updatedAt: now }
      await this.commit(next, { events: [] })
      return { applied: true, conversation: toWire(next) }
    }
    const seq = conv.lastSeq + 1
    const next = {
      ...conv,
      assigneeId: cmd.assigneeId,
      escalationAt,
      branchId,
      lastSeq: seq,
      updatedAt: now,
    }
    const data = {
      assigneeId: cmd.assigneeId,
      previousAssigneeId: conv.assigneeId,
      reason: cmd.reason,
      by: cmd.by,
      ...(branchId !== conv.branchId ? { branchId } : {}),
    }
    await this.commit(next, {
      events: [this.event(seq, now, { name: 'conversation.assigned', data })],
    })
    this.announce({
      kind: 'assigned',
      conversation: toWire(next),
      seq,
      previousAssigneeId: conv.assigneeId,
      reason: cmd.reason,
      by: cmd.by,
      ...(cmd.note ? { note: cmd.note } : {}),
    })
    return { applied: true, conversation: toWire(next) }
  }

  /**
   * The assignee acting in the conversation (opening, reading, replying) has it in hand: that
   * stops its escalation for good (R3).
   */
  private isAssignee(principal: Principal): boolean {
    return principal.kind === 'operator' && this.conv?.assigneeId === principal.id
  }

  /** The message, if principal may still change it; typed errors otherwise. */
  private async ownUnreadMessage(principal: Principal, messageId: string): Promise<Message> {
    const message = await this.deps.store.getMessage(this.key, messageId)
    if (!message) throw new ParleyError('not_found', 'message not found')
    checkOwnUnread(principal, message, this.readStates.values())
    return message
  }

  private async findSend(author: Party, clientMsgId: string): Promise<SendAck | null> {
    const known = this.sends.find(author, clientMsgId)
    if (known) return known
    const stored = await this.deps.store.findMessageByClientId(this.key, author, clientMsgId)
    return stored ? this.sends.remember(stored, true) : null
  }

  /** Persists next with the given changes; swaps it in only once durable, then publishes. */
  private async commit(
    next: ConversationRecord,
    change: Omit<ConversationWrite, 'conversationId' | 'update'>,
  ): Promise<void> {
    if (next.sla) {
      // Every write moves the SLA's deadlines alike (an answer, a wait, a resolve). `next` is
      // the caller's fresh record for this write: updated in place, so what the caller
      // announces after it carries them.
      const sla = await slaAfter(this.conv, next, change.events, this.deps.slaClock ?? wallClock)
      if (sla !== next.sla) next.sla = sla
    }
    const {
      id: _id,
      inboxId: _i,
      visitorId: _v,
      createdAt: _c,
      ownerEpoch: _e,
      location: _l,
      branchId,
      ...rest
    } = next
    // The branch is written only when this actor changes it: an admin deleting a branch moves
    // its conversations in the store, and a later summary must not move one back.
    const conv = this.conv
    const moved = branchId === conv?.branchId ? rest : { ...rest, branchId }
    // A snooze that ended is cleared in the row: the record simply lacks it. An SLA too.
    const unsnoozed = conv?.snooze && !next.snooze ? { ...moved, snooze: null } : moved
    const update = conv?.sla && !next.sla ? { ...unsnoozed, sla: null } : unsnoozed
    // Routing reads status, assignee, escalation and branch from the row: those go at once.
    const summaryFollowsLog =
      change.events.length > 0 &&
      conv !== null &&
      conv.status === next.status &&
      conv.assigneeId === next.assigneeId &&
      conv.escalationAt === next.escalationAt &&
      conv.branchId === branchId &&
      conv.priority === next.priority &&
      conv.labels === next.labels &&
      conv.attributes === next.attributes &&
      conv.sla === next.sla &&
      conv.snooze === next.snooze
    await this.write({ conversationId: this.key, update, summaryFollowsLog, ...change })
    this.conv = next
    this.publishAfterReply(change.events)
  }

  /**
   * The one way to the store: fenced by this activation's epoch in a cluster. A write refused as
   * `unavailable` (the fence, or a database that failed or timed out) may or may not have been
   * stored: the store cannot always tell (a connection lost during COMMIT). This actor's state
   * may therefore be behind the store, so it steps down, and the next command reloads it.
   */
  private async write(write: ConversationWrite): Promise<void> {
    const inboxId = this.conv?.inboxId ?? write.create?.inboxId
    if (
      inboxId !== undefined &&
      write.events.length > 0 &&
      this.deps.outbox?.(inboxId, write.events)
    ) {
      write = { ...write, outbox: true }
    }
    if (
      inboxId !== undefined &&
      write.events.length > 0 &&
      this.deps.ruleMarks?.(inboxId, write.events)
    ) {
      write = { ...write, ruleMark: true }
    }
    try {
      await this.deps.store.write(
        this.epoch === undefined ? write : { ...write, expectedEpoch: this.epoch },
      )
    } catch (error) {
      if (error instanceof ParleyError && error.code === 'unavailable') {
        this.ctx.log.warn('conversation write refused; stepping down', { key: this.key })
        this.stopAfterReply()
      }
      throw error
    }
  }

  private event(seq: number, at: number, body: StoredEventData): ConversationEvent {
    return { ...body, conversationId: this.key, seq, at }
  }

  private publishAfterReply(events: ConversationEvent[]): void {
    const publisher = this.deps.publisher
    this.afterReply(() => {
      for (const e of events) publisher.publish({ type: 'event', ...e })
    })
  }

  /** Tells the inbox and operator actors about a committed change, after the reply. */
  private announce(change: InboxChange): void {
    const bus = this.deps.inboxBus
    this.afterReply(() => bus.publish(change))
  }

  private publishTypingAfterReply(party: Party, on: boolean): void {
    const frame: TypingEventFrame = {
      type: 'event',
      name: 'typing',
      conversationId: this.key,
      at: this.ctx.clock.now(),
      data: { party, on },
    }
    this.afterReply(() => this.deps.publisher.publish(frame))
  }
}

function noteAck(note: Note, duplicate: boolean): NoteAck {
  return {
    noteId: note.id,
    seq: note.seq,
    createdAt: note.createdAt,
    mentions: note.mentions,
    duplicate,
  }
}

function withoutSnooze(conv: ConversationRecord): ConversationRecord {
  const { snooze: _snooze, ...rest } = conv
  return rest
}

function notFound(): never {
  throw new ParleyError('not_found', 'conversation not found')
}

function assertNever(value: never): never {
  throw new Error(`unhandled command ${JSON.stringify(value)}`)
}
