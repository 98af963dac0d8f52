/**
 * Applies the conversation's server events to the state (T4). Also where an incoming operator
 * message rings (when the chat is hidden), is announced to screen readers, and gets
 * acknowledged (delivered, or read when visible). An automatic reply is announced only: it is
 * not the operator answering. A conversation that may be waiting again (reopened, released)
 * reads its place in the queue anew. A resolution and its rating (C10) decide the rating card.
 */
import { assertNever, beep, type EventFrame, type Message } from '../shared/index.ts'
import type { TypingEventFrame } from '../shared/index.ts'
import type { WidgetMutations, WidgetState } from './store.ts'

/** An operator typing notice is dropped after this long without news (a lost "off"). */
const TYPING_TTL_MS = 10_000

export function createEventHandler(
  state: WidgetState,
  m: WidgetMutations,
  ports: {
    isVisible(): boolean
    acknowledge(): void
    announce(message: Message): void
    requeue(): void
  },
) {
  const typingTimers = new Map<string, ReturnType<typeof setTimeout>>()

  const setTyping = (operatorId: string, on: boolean) => {
    clearTimeout(typingTimers.get(operatorId))
    m.setTyping(operatorId, on)
    if (on)
      typingTimers.set(
        operatorId,
        setTimeout(() => m.setTyping(operatorId, false), TYPING_TTL_MS),
      )
  }

  return (frame: EventFrame | TypingEventFrame): void => {
    if (frame.conversationId !== state.conversation?.id) return
    switch (frame.name) {
      case 'typing': {
        const { party, on } = frame.data
        if (party.kind === 'operator') setTyping(party.id, on)
        return
      }
      case 'message.created': {
        const message = frame.data.message
        const isNew = !state.messages.some((x) => x.id === message.id)
        m.upsertMessage(message)
        if (message.author.kind === 'visitor' || !isNew) return
        ports.announce(message)
        if (message.author.kind !== 'operator') return
        setTyping(message.author.id, false)
        if (!ports.isVisible()) beep()
        ports.acknowledge()
        return
      }
      case 'message.updated': {
        const message = frame.data.message
        m.upsertMessage(message)
        if (message.deletedAt !== null && state.editing === message.id) m.setEditing(null)
        return
      }
      case 'read.updated':
        m.applyRead(frame.data)
        return
      case 'conversation.status':
        m.setStatus(frame.data.status)
        // Resolved or closed: the resolution a rating is for (C10); reopened: none.
        m.setResolution(frame.data.status === 'open' ? null : frame.seq)
        if (frame.data.status === 'open') ports.requeue()
        return
      case 'conversation.assigned':
        m.assign(frame)
        if (!frame.data.assigneeId) ports.requeue()
        return
      case 'conversation.created':
        // Nothing the visitor sees: the start ack already carried the conversation.
        return
      case 'conversation.rated':
        // Given here or on another device: that resolution is never asked about again.
        m.setRating(frame.data.rating)
        return
      case 'conversation.context':
        // The visitor's own page changes, for operators only.
        return
      case 'note.created':
      case 'conversation.priority':
      case 'conversation.labels':
      case 'conversation.snoozed':
      case 'conversation.attributes':
      case 'conversation.sla':
        // Operators only: the server never sends one to a visitor.
        return
      case 'conversation.erased':
        // Erased by retention (a visitor erased on request has no session left): what the
        // thread shows goes, as each message's deletion would take it.
        m.eraseThread()
        return
      default:
        return assertNever(frame)
    }
  }
}
