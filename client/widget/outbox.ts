/**
 * Messages the visitor wrote that the server has not acknowledged yet (W4). Persisted, so a
 * message typed offline survives a reload; each keeps its clientMsgId for life, so however
 * often it is retried it lands once.
 */
import type { Attachment } from '../shared/attachments.ts'
import { newId } from '../shared/index.ts'
import type { KeyValue } from './storage.ts'

/**
 * Files travel as uploads made before the message goes: `attachments` lists those already
 * stored. A file still uploading lives only in memory (a File cannot be stored), so a reload
 * before its upload finished sends the message without it.
 */
export interface QueuedMessage {
  clientMsgId: string
  text: string
  createdAt: number
  attachments?: Attachment[]
  /**
   * The conversation it was written in; null: a new one (`start`, then the rest of the new
   * one's messages follow it there). Absent (queued by an older widget, or for a previous
   * visitor): the conversation shown once looked up.
   */
  conversationId?: string | null
}

const KEY = 'outbox'

export class Outbox {
  private items: QueuedMessage[]

  constructor(private readonly storage: KeyValue) {
    this.items = storage.get<QueuedMessage[]>(KEY) ?? []
  }

  all(): readonly QueuedMessage[] {
    return this.items
  }

  first(): QueuedMessage | undefined {
    return this.items[0]
  }

  add(text: string, conversationId?: string | null): QueuedMessage {
    const item = { clientMsgId: newId(), text, createdAt: Date.now(), conversationId }
    this.items = [...this.items, item]
    this.storage.set(KEY, this.items)
    return item
  }

  /** Notes a file of a queued message as uploaded. */
  addAttachment(clientMsgId: string, attachment: Attachment): void {
    this.items = this.items.map((i) =>
      i.clientMsgId === clientMsgId
        ? { ...i, attachments: [...(i.attachments ?? []), attachment] }
        : i,
    )
    this.storage.set(KEY, this.items)
  }

  /** The conversation just started for the messages written as a new one. */
  started(conversationId: string): void {
    this.update((i) => (i.conversationId === null ? { ...i, conversationId } : i))
  }

  /** Another visitor: their messages go wherever the new visitor writes. */
  unbind(): void {
    this.update(({ conversationId: _, ...i }) => i)
  }

  private update(fn: (item: QueuedMessage) => QueuedMessage): void {
    this.items = this.items.map(fn)
    this.storage.set(KEY, this.items)
  }

  remove(clientMsgId: string): void {
    this.items = this.items.filter((i) => i.clientMsgId !== clientMsgId)
    this.storage.set(KEY, this.items)
  }
}
