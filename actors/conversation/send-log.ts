/**
 * Acks of recent sends by (author, client message id), so a retry answers from memory; older
 * ones are looked up in the store by the caller (C3).
 */
import type { Message } from '../../protocol/index.ts'
import { partyKey } from './access.ts'
import type { SendAck } from './commands.ts'

export class SendLog {
  private readonly acks = new Map<string, SendAck>()

  constructor(private readonly capacity = 256) {}

  /** The original ack, marked as a duplicate, or null when not remembered. */
  find(author: Message['author'], clientMsgId: string): SendAck | null {
    const ack = this.acks.get(`${partyKey(author)}:${clientMsgId}`)
    return ack ? { ...ack, duplicate: true } : null
  }

  /** Remembers the message's ack and returns it with the given duplicate flag. */
  remember(message: Message, duplicate: boolean): SendAck {
    const ack: SendAck = {
      messageId: message.id,
      seq: message.seq,
      createdAt: message.createdAt,
      duplicate,
    }
    if (message.clientMsgId === null) return ack
    const key = `${partyKey(message.author)}:${message.clientMsgId}`
    this.acks.delete(key)
    this.acks.set(key, { ...ack, duplicate: false })
    if (this.acks.size > this.capacity) {
      const oldest = this.acks.keys().next().value
      if (oldest !== undefined) this.acks.delete(oldest)
    }
    return ack
  }
}
