/** Admin pages (role admin): operators and inbox settings, over the admin HTTP API. */
import type { InboxPatch, NewOperator, OperatorPatch, PanelApi } from './api.ts'
import { describe } from './chat.ts'
import type { PanelMutations, PanelState } from './store.ts'

export function createAdmin(m: PanelMutations, api: PanelApi) {
  const attempt = async (fn: () => Promise<void>): Promise<boolean> => {
    m.set('notice', null)
    try {
      await fn()
      return true
    } catch (e) {
      m.set('notice', describe(e))
      return false
    }
  }
  const replaceOperator = (op: PanelState['operators'][number]) =>
    m.set('operators', (list) => list.map((x) => (x.id === op.id ? op : x)))
  return {
    loadOperators: () => attempt(async () => m.set('operators', (await api.operators()).operators)),
    createOperator: (op: NewOperator) =>
      attempt(async () => {
        const created = await api.createOperator(op)
        m.set('operators', (list) => [...list, created])
      }),
    updateOperator: (id: string, patch: OperatorPatch) =>
      attempt(async () => replaceOperator(await api.patchOperator(id, patch))),
    /** Inboxes, their members, and the operators to choose members from. */
    loadInboxes: () =>
      attempt(async () => {
        const [{ inboxes }, { operators }] = await Promise.all([api.inboxes(), api.operators()])
        const members = await Promise.all(inboxes.map((i) => api.members(i.id)))
        m.set({
          operators,
          members: Object.fromEntries(inboxes.map((i, n) => [i.id, members[n]?.operatorIds ?? []])),
          inboxes,
        })
      }),
    updateInbox: (id: string, patch: InboxPatch, operatorIds: string[]) =>
      attempt(async () => {
        const updated = await api.patchInbox(id, patch)
        const members = await api.setMembers(id, operatorIds)
        m.set('members', id, members.operatorIds)
        m.set('inboxes', (list) => list.map((x) => (x.id === updated.id ? updated : x)))
      }),
  }
}
