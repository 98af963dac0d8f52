/** Admin pages (role admin): operators, inbox settings and branches, over the admin HTTP API. */
import { reconcile } from 'solid-js/store'
import type {
  BranchInput,
  InboxPatch,
  NewOperator,
  OperatorPatch,
  PanelApi,
  Progress,
  Routing,
} from './api.ts'
import { describe } from './chat.ts'
import { saveLogin } from './session.ts'
import type { PanelMutations, PanelState } from './store.ts'

export function createAdmin(state: PanelState, m: PanelMutations, api: PanelApi) {
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
  /** Null when done; otherwise why not, to show next to the form that asked. */
  const explain = async (fn: () => Promise<void>): Promise<string | null> => {
    try {
      await fn()
      return null
    } catch (e) {
      return describe(e)
    }
  }
  /** A value to show, or why there is none. */
  const reveal = async (
    fn: () => Promise<string>,
  ): Promise<{ value: string; error: null } | { value: null; error: string }> => {
    try {
      return { value: await fn(), error: null }
    } catch (e) {
      return { value: null, error: describe(e) }
    }
  }
  /** Branches again after a change; branch members join the inbox, so its members too. */
  const reloadBranches = async (inboxId: string) => {
    const [branches, members] = await Promise.all([api.branches(inboxId), api.members(inboxId)])
    m.set('branches', branches)
    m.set('members', inboxId, members.operatorIds)
  }
  /** An operator as the server now has them: the list, and the own login when it is them. */
  const replaceOperator = (op: PanelState['operators'][number]) => {
    // Changed in place: the row (and a control in it that has the focus) stays.
    const i = state.operators.findIndex((x) => x.id === op.id)
    if (i >= 0) m.set('operators', i, reconcile(op))
    const login = state.login
    if (login?.operator.id !== op.id) return
    const next = { ...login, operator: op }
    saveLogin(next)
    m.set('login', next)
  }
  return {
    replaceOperator,
    loadOperators: () => attempt(async () => m.set('operators', (await api.operators()).operators)),
    /** A new operator; the refusal is handed back to the form (null: created). */
    addOperator: (op: NewOperator) =>
      explain(async () => {
        const created = await api.createOperator(op)
        m.set('operators', (list) => [...list, created])
      }),
    updateOperator: (id: string, patch: OperatorPatch) =>
      attempt(async () => replaceOperator(await api.patchOperator(id, patch))),
    /** The same, with the refusal handed back to the dialog that asked (null: saved). */
    editOperator: (id: string, patch: OperatorPatch) =>
      explain(async () => replaceOperator(await api.patchOperator(id, patch))),
    /** Another operator's picture (`file`), or back to initials (null). */
    setOperatorAvatar: (id: string, file: File | null, progress: Progress = () => undefined) =>
      explain(async () =>
        replaceOperator(
          file ? await api.putAvatar(id, file, progress) : await api.removeAvatar(id),
        ),
      ),
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
    /** Its name and settings, then its members (a refused patch changes neither); null: saved. */
    updateInbox: (id: string, patch: InboxPatch, operatorIds: string[]) =>
      explain(async () => {
        const updated = await api.patchInbox(id, patch)
        const members = await api.setMembers(id, operatorIds)
        m.set('members', id, members.operatorIds)
        m.set('inboxes', (list) => list.map((x) => (x.id === updated.id ? updated : x)))
      }),
    /** The inbox's identity secret, shown to an admin who asks (the server logs who did). */
    identitySecret: (id: string) =>
      reveal(async () => (await api.identitySecret(id)).identitySecret),
    /** A new identity secret (the old one stops at once), then the new one to show. */
    rotateIdentitySecret: (id: string) =>
      reveal(async () => {
        await api.rotateIdentitySecret(id)
        return (await api.identitySecret(id)).identitySecret
      }),
    /** An inbox's branches page (from its settings): branches, routing, operators to pick. */
    openBranches: (inboxId: string) =>
      attempt(async () => {
        m.set({ branchInbox: inboxId, branches: null })
        const [branches, { operators }] = await Promise.all([
          api.branches(inboxId),
          api.operators(),
        ])
        m.set({ branches, operators })
      }),
    /** An inbox's webhooks page (from its settings), which loads what it shows itself. */
    openWebhooks: (inboxId: string) => m.set({ webhookInbox: inboxId, notice: null }),
    /** Back to the inbox forms from an inbox's branches or webhooks. */
    closeInboxPage: () =>
      m.set({ branchInbox: null, branches: null, webhookInbox: null, notice: null }),
    /** Creates a branch (`id` null) or replaces one's name, hours, settings and members. */
    saveBranch: (inboxId: string, id: string | null, input: BranchInput) =>
      explain(async () => {
        if (id === null) await api.createBranch(inboxId, input)
        else {
          // The patch first: a refused schedule leaves the members unchanged too.
          const { name, schedule, settings } = input
          await api.patchBranch(id, { name, schedule, settings })
          await api.setBranchMembers(id, input.operatorIds)
        }
        await reloadBranches(inboxId)
      }),
    deleteBranch: (inboxId: string, id: string) =>
      explain(async () => {
        await api.deleteBranch(id)
        await reloadBranches(inboxId)
      }),
    saveRouting: (inboxId: string, routing: Routing) =>
      explain(async () => {
        await api.setRouting(inboxId, routing)
        await reloadBranches(inboxId)
      }),
  }
}
