/**
 * The triage list's actions (issue 16): view, filters and order; pages; counts; bulk actions.
 * Feed changes update rows at once (derive.ts filters and sorts them) and refresh the counts
 * and the first page's details once they settle, never once per change.
 */
import { batch } from 'solid-js'
import { produce } from 'solid-js/store'
import type { InboxItem } from '../../protocol/index.ts'
import { asParleyError } from '../shared/index.ts'
import type { ListQuery, panelApi } from './api.ts'
import { msg, t } from './i18n.ts'
import type { PanelMutations, PanelState } from './store.ts'

/** How long feed changes settle before the counts and the first page are read again. */
export const REFRESH_MS = 500

export type BulkAction =
  | { kind: 'status'; status: 'pending' | 'resolved' | 'closed' }
  | { kind: 'assign'; operatorId: string }

/** What a bulk action reports of the rows it could not change (msg() keys, shown with t()). */
const FAILED: Record<'pending' | 'resolved' | 'closed' | 'assign', string> = {
  pending: msg('{failed} of {total} could not be marked pending: {reasons}'),
  resolved: msg('{failed} of {total} could not be resolved: {reasons}'),
  closed: msg('{failed} of {total} could not be closed: {reasons}'),
  assign: msg('{failed} of {total} could not be assigned: {reasons}'),
}

export function createList(state: PanelState, m: PanelMutations, api: ReturnType<typeof panelApi>) {
  let generation = 0
  let timer: ReturnType<typeof setTimeout> | undefined

  /** Stores a page: the conversations in the list, their rows' details beside them. */
  function take(items: InboxItem[]) {
    batch(() => {
      // A "Following" page holds only what the operator follows (derive.ts keeps them listed).
      if (state.list.following) for (const { id } of items) m.set('followed', id, true)
      m.upsertConversations(items.map(({ visitor: _v, lastMessage: _l, assignee: _a, ...c }) => c))
      m.set(
        'rowDetails',
        produce((details) => {
          for (const { id, visitor, lastMessage, assignee } of items) {
            details[id] = { visitor, lastMessage, assignee }
          }
        }),
      )
    })
  }

  async function counts() {
    try {
      m.set('counts', await api.counts(state.list))
    } catch {
      // kept; the next change reads them again
    }
  }

  /** Whether pages past the first were read since the list was last read from its start. */
  let deeper = false

  /**
   * The first page and the counts again; `fresh` forgets rows of an earlier filter. A `refresh`
   * (after feed changes) reads them beside whatever else is loading: pages read past the first
   * stay, and so does the cursor after them. A busy inbox refreshes more often than a long list
   * takes to page through; reading from the start each time, dropping the page in flight, kept
   * its end from ever loading.
   */
  async function reload(fresh = false, refresh = false) {
    const mine = refresh ? generation : ++generation
    if (!refresh) {
      deeper = false
      m.set('loadingList', true)
    }
    void counts()
    if (state.myInboxes.length === 0) {
      api
        .myInboxes()
        .then((r) => m.set('myInboxes', r.inboxes))
        .catch(() => undefined)
    }
    try {
      const page = await api.inbox(state.list)
      if (mine !== generation) return
      if (fresh) {
        // The conversation on screen stays known; the rest come back with their pages.
        m.set('conversations', (list) => list.filter((c) => c.id === state.selectedId))
      }
      take(page.items)
      if (!deeper) m.set('nextCursor', page.nextCursor)
    } catch {
      // kept as is; the next connect or change reloads
    } finally {
      if (!refresh && mine === generation) m.set('loadingList', false)
    }
  }

  return {
    reload,
    /** A conversation changed (feed): counts and previews follow once changes settle. */
    changed() {
      // At most one read per period however many changes come (a steady stream included).
      timer ??= setTimeout(() => {
        timer = undefined
        void reload(false, true)
      }, REFRESH_MS)
    },
    /** Forgets what belonged to the operator who signed out. */
    reset() {
      clearTimeout(timer)
      timer = undefined
      generation++
    },
    actions: {
      setList(patch: Partial<ListQuery>) {
        m.set({ list: { ...state.list, ...patch }, nextCursor: null, selection: [] })
        void reload(true)
      },
      /** The next page; false when it could not be loaded (the cursor stays for a retry). */
      async loadMore(): Promise<boolean> {
        const cursor = state.nextCursor
        if (!cursor || state.loadingList) return true
        const mine = generation
        m.set('loadingList', true)
        try {
          const page = await api.inbox(state.list, cursor)
          if (mine !== generation) return true
          take(page.items)
          deeper = true
          m.set('nextCursor', page.nextCursor)
          return true
        } catch {
          return false
        } finally {
          if (mine === generation) m.set('loadingList', false)
        }
      },
      toggleSelected(id: string, on: boolean) {
        m.set('selection', (ids) =>
          on ? [...ids.filter((x) => x !== id), id] : ids.filter((x) => x !== id),
        )
      },
      setSelection(ids: string[]) {
        m.set('selection', ids)
      },
      /**
       * Runs one action on every selected conversation through the usual endpoints; null when
       * all went through, else the sentence that says which did not and why.
       */
      async bulk(action: BulkAction): Promise<string | null> {
        const ids = [...state.selection]
        const results = await Promise.allSettled(
          ids.map((id) =>
            action.kind === 'status'
              ? api.setStatus(id, action.status)
              : api.assign(id, action.operatorId),
          ),
        )
        const failed: Array<{ id: string; why: string }> = []
        results.forEach((r, i) => {
          const id = ids[i] as string
          if (r.status === 'rejected') failed.push({ id, why: asParleyError(r.reason).message })
          else if (action.kind === 'status') {
            // The row leaves a view it no longer matches now, not when the feed says so.
            m.set('conversations', (c) => c.id === id, 'status', action.status)
          } else if ('conversation' in r.value) m.upsertConversations([r.value.conversation])
        })
        m.set(
          'selection',
          failed.map((f) => f.id),
        )
        void reload()
        if (failed.length === 0) return null
        const text = FAILED[action.kind === 'status' ? action.status : 'assign']
        const reasons = [...new Set(failed.map((f) => f.why))].join('; ')
        return t(text, { failed: failed.length, total: ids.length, reasons })
      },
    },
  }
}
