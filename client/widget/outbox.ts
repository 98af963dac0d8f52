/**
 * Messages the visitor wrote that the server has not acknowledged yet (W4). Persisted, so a
 * message typed offline survives a reload; each keeps its clientMsgId for life, so however
 * often it is retried it lands once.
 */
import { newId } from '../shared/index.ts'
import type { KeyValue } from './storage.ts'

export interface QueuedMessage {
  clientMsgId: string
  text: string
  createdAt: number
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

  add(text: string): QueuedMessage {
    const item = { clientMsgId: newId(), text, createdAt: Date.now() }
    this.items = [...this.items, item]
    this.storage.set(KEY, this.items)
    return item
  }

  remove(clientMsgId: string): void {
    this.items = this.items.filter((i) => i.clientMsgId !== clientMsgId)
    this.storage.set(KEY, this.items)
  }
}
