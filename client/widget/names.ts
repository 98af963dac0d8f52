/**
 * Who answers (docs/protocol.md section 13.7): operators' visitor-facing names and pictures,
 * asked through the visitor's conversation in batches (the ids wanted in one tick, 20 a
 * request) and kept for the page's life. An id the server leaves out stays unnamed; a failed
 * batch is forgotten, so the next time one of its ids is wanted it is asked again. Meanwhile
 * the generic label shows (and no picture).
 */
import type { OperatorName } from './api.ts'

const BATCH = 20

export function nameBook(
  ask: (conversationId: string, ids: string[]) => Promise<{ operators: OperatorName[] }>,
  conversationId: () => string | undefined,
  found: (operator: OperatorName) => void,
) {
  const asked = new Set<string>()
  let wanted: string[] = []
  const flush = () => {
    const ids = wanted
    wanted = []
    const id = conversationId()
    for (let i = 0; i < ids.length; i += BATCH) {
      const batch = ids.slice(i, i + BATCH)
      const forget = () => batch.forEach((x) => asked.delete(x))
      if (!id) forget()
      else ask(id, batch).then((r) => r.operators.forEach(found), forget)
    }
  }
  /** Asks for the name of this operator unless it was asked already. */
  return (operatorId: string) => {
    if (asked.has(operatorId)) return
    asked.add(operatorId)
    if (wanted.push(operatorId) === 1) queueMicrotask(flush)
  }
}
