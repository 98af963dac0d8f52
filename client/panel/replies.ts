/**
 * Canned replies: loaded once per inbox for the composer (kept in the store until an edit),
 * and the management page's list, save and delete.
 */
import { reconcile } from 'solid-js/store'
import { asParleyError } from '../shared/index.ts'
import type { CannedInput, CannedReply, PanelApi } from './api.ts'
import { describe } from './chat.ts'
import { fieldOf } from './form-errors.ts'
import { t } from './i18n.ts'
import type { PanelMutations, PanelState } from './store.ts'

/** Why a save was refused, and the field it concerns (null: the form as a whole). */
export interface CannedRefusal {
  field: keyof CannedInput | null
  message: string
}

export function createCanned(state: PanelState, m: PanelMutations, api: PanelApi) {
  const loading = new Set<string>()
  /** After an edit the composer loads its inbox's replies again. */
  const changed = () => m.set('canned', reconcile({}))
  const refusal = (e: unknown): CannedRefusal => {
    const error = asParleyError(e)
    if (error.code === 'conflict')
      return { field: 'shortcut', message: t('Another reply here already uses this shortcut.') }
    const field = fieldOf(error.message)?.replace(/^body\./, '')
    const named = field === 'shortcut' || field === 'title' || field === 'text' ? field : null
    return { field: named, message: describe(e).replace(/^[\w.[\]]+: /, '') }
  }
  return {
    /** The replies usable in this inbox, into the store, unless there or on the way already. */
    async cannedFor(inboxId: string) {
      if (state.canned[inboxId] || loading.has(inboxId)) return
      loading.add(inboxId)
      try {
        const { replies } = await api.cannedReplies(inboxId)
        m.set('canned', inboxId, replies)
      } catch {
        // the next `/` tries again
      } finally {
        loading.delete(inboxId)
      }
    },
    /** The replies page: an inbox's shared replies, or (null) the operator's own. */
    openCanned(inboxId: string | null) {
      m.set({ page: 'canned', cannedInbox: inboxId, notice: null })
    },
    /** The replies of the page's scope, or why they could not be loaded. */
    async listCanned(inboxId: string | null): Promise<CannedReply[] | string> {
      try {
        const { replies } = await api.cannedReplies(inboxId)
        return replies.filter((r) => (inboxId ? r.inboxId === inboxId : r.ownerId !== null))
      } catch (e) {
        return describe(e)
      }
    },
    /** Creates (`id` null) or changes a reply; null when saved. */
    async saveCanned(
      inboxId: string | null,
      id: string | null,
      input: CannedInput,
    ): Promise<CannedRefusal | null> {
      try {
        if (id === null) await api.createCanned(inboxId, input)
        else await api.patchCanned(id, input)
        changed()
        return null
      } catch (e) {
        return refusal(e)
      }
    },
    /** Null when deleted, else why not. */
    async deleteCanned(id: string): Promise<string | null> {
      try {
        await api.deleteCanned(id)
        changed()
        return null
      } catch (e) {
        return describe(e)
      }
    },
  }
}
