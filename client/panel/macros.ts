/**
 * Macros (issue 20): each inbox's macros, loaded as a conversation of it opens (read again when
 * the copy is older than STALE_MS, or after an admin's change), and a macro run on the
 * conversation on screen. Its events (the reply, the lines) come through the subscription.
 */
import { reconcile } from 'solid-js/store'
import { asParleyError, newId } from '../shared/index.ts'
import type { PanelApi } from './api.ts'
import type { PanelMutations, PanelState } from './store.ts'

const STALE_MS = 30_000
/** A run that met no server is tried again this many times, with the same run id. */
const RETRIES = 2

export function createMacros(
  state: PanelState,
  m: PanelMutations,
  api: PanelApi,
  /** Shows why a run was refused (the conversation's notice). */
  fail: (e: unknown) => void,
) {
  const loadedAt = new Map<string, number>()
  return {
    /** The inbox's macros into the store, unless a copy younger than STALE_MS is there. */
    async macrosFor(inboxId: string, fresh = false): Promise<void> {
      if (!fresh && Date.now() - (loadedAt.get(inboxId) ?? 0) < STALE_MS) return
      loadedAt.set(inboxId, Date.now())
      try {
        const { macros } = await api.macros(inboxId)
        m.set('macros', inboxId, reconcile(macros, { key: 'id' }))
      } catch {
        loadedAt.delete(inboxId)
      }
    },
    /** Runs the macro on the conversation on screen; resolves once it is done or refused. */
    async runMacro(macroId: string): Promise<void> {
      const id = state.selectedId
      if (!id) return
      m.set('notice', null)
      // One id per click: a retry after a lost answer sends no reply or note twice.
      const runId = newId()
      for (let attempt = 0; ; attempt++) {
        try {
          const { conversation } = await api.runMacro(id, macroId, runId)
          m.upsertConversations([conversation])
          return
        } catch (e) {
          if (attempt < RETRIES && asParleyError(e).retryable) {
            await new Promise((resolve) => setTimeout(resolve, 1000 * (attempt + 1)))
            continue
          }
          if (state.selectedId === id) fail(e)
          return
        }
      }
    },
  }
}
