/**
 * Following (issue 20's participants): the operator follows the conversation on screen, or
 * stops, without being assigned; who follows it is read as it opens and again when a colleague
 * follows or stops (the feed says so as a change of the visitor's details).
 */
import type { Followers, panelApi } from './api.ts'
import type { PanelMutations, PanelState } from './store.ts'

export function createFollowing(
  state: PanelState,
  m: PanelMutations,
  api: ReturnType<typeof panelApi>,
  /** Shows why a change was refused (the conversation's notice). */
  fail: (e: unknown) => void,
) {
  /** Keeps an answer if its conversation is still on screen. */
  function take(id: string, answer: Followers) {
    m.set('followed', id, answer.following)
    if (state.selectedId === id) m.set('followers', answer.followers)
  }

  /** Reads who follows the conversation on screen (a failed read leaves the last answer). */
  async function load(id: string | null) {
    if (!id) return m.set('followers', null)
    try {
      take(id, await api.followers(id))
    } catch {
      // shown as it was; the next change or opening reads it again
    }
  }

  return {
    load,
    actions: {
      /** Follows the conversation on screen, or stops following it. */
      async toggleFollow() {
        const id = state.selectedId
        if (!id) return
        m.set('notice', null)
        try {
          take(id, await api.follow(id, !state.followed[id]))
        } catch (e) {
          fail(e)
        }
      },
    },
  }
}
