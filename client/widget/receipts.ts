/**
 * The receipts the visitor sends (C5, docs/protocol.md section 6.4): `read` up to the newest
 * operator message while the chat is open and the page visible, else `delivered`. Only for a
 * new operator message, never in reaction to read.updated, typing or the visitor's own events:
 * otherwise two clients would keep moving each other's watermarks.
 */
import type { ReadState, Transport } from '../shared/index.ts'
import { newestOperatorSeq } from './derive.ts'
import type { WidgetMutations, WidgetState } from './store.ts'

export interface Receipts {
  /** Checks soon (coalescing a burst of events into one request). */
  schedule(): void
  /** A new visitor: nothing was sent for them yet. */
  reset(): void
}

export function createReceipts(
  state: WidgetState,
  m: WidgetMutations,
  transport: Transport,
): Receipts {
  // Sent and not yet acked: keeps a burst of events from sending the same receipt twice.
  let readSent = 0
  let deliveredSent = 0
  let timer: ReturnType<typeof setTimeout> | undefined

  const mark = (type: 'read' | 'delivered', conversationId: string, seq: number) => {
    if (type === 'read') readSent = seq
    else deliveredSent = seq
    transport.request<ReadState>({ type, conversationId, seq }).then(
      (rs) => m.applyRead(rs),
      () => {
        // Not stored: the next check (at the latest after the reconnect) sends it again.
        if (type === 'read') readSent = 0
        else deliveredSent = 0
      },
    )
  }

  const acknowledge = () => {
    const c = state.conversation
    if (!c || transport.state !== 'connected') return
    const newest = newestOperatorSeq(state)
    const visible = state.open && !state.home && document.visibilityState === 'visible'
    if (visible && newest > Math.max(state.ownRead, readSent)) {
      mark('read', c.id, newest)
    } else if (newest > Math.max(state.ownDelivered, deliveredSent, readSent)) {
      mark('delivered', c.id, newest)
    }
  }

  return {
    schedule() {
      clearTimeout(timer)
      timer = setTimeout(acknowledge, 50)
    },
    reset() {
      readSent = 0
      deliveredSent = 0
    },
  }
}
