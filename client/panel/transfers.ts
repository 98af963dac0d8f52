/**
 * Transfers (R4): the team an operator can hand a conversation to, the transfer itself, the
 * names the thread and header show, and the alert of a conversation transferred to this
 * operator (with the sender's note, which the server keeps nowhere: only this alert has it).
 */
import {
  type ClientFrame,
  type Conversation,
  type FeedFrame,
  type Party,
  type Transport,
} from '../shared/index.ts'
import type { PanelApi, Team } from './api.ts'
import { describe } from './chat.ts'
import { t } from './i18n.ts'
import { alertHidden } from './notify.ts'
import type { PanelMutations, PanelState, TransferNote } from './store.ts'

/** How long a team that could not be loaded is not asked for again (the dialog always asks). */
const RETRY_MS = 60_000

export type TransferTarget = Extract<ClientFrame, { type: 'transfer' }>['to']

type AlertData = Extract<FeedFrame, { name: 'alert' }>['data']
/** A transfer's alert also carries who sent it and their note (docs/protocol.md 4.15). */
type TransferAlert = AlertData & { by?: Party; note?: string }

export function createTransfers(
  state: PanelState,
  m: PanelMutations,
  api: PanelApi,
  transport: Transport,
  open: (conversationId: string) => void,
) {
  /** Per inbox: the load under way or done. A failed one is kept a minute, then tried again. */
  const teams = new Map<string, Promise<Team>>()
  /** Ids asked for already (found or not): each is looked up once. */
  const asked = new Set<string>()

  /** The inbox's team (loaded again when `fresh`); rejects with why it cannot be had. */
  function loadTeam(inboxId: string, fresh = false): Promise<Team> {
    const known = teams.get(inboxId)
    if (known && !fresh) return known
    const loading = api.team(inboxId).then(
      (team) => {
        m.setTeam(inboxId, team)
        m.addNames(team.operators.map((op) => ({ id: op.id, name: op.name })))
        return team
      },
      (e: unknown) => {
        setTimeout(() => teams.get(inboxId) === loading && teams.delete(inboxId), RETRY_MS)
        throw e
      },
    )
    teams.set(inboxId, loading)
    return loading
  }

  /**
   * Names for these operator ids, from the inbox's team, else the conversation's public names
   * (its inbox may be unknown: a conversation of the Mentions view not in the list).
   */
  async function learnNames(
    conversation: Pick<Conversation, 'id'> & { inboxId?: string },
    ids: ReadonlyArray<string | null>,
  ) {
    if (conversation.inboxId) await loadTeam(conversation.inboxId).catch(() => null)
    const me = state.login?.operator.id
    // The server answers at most 20 ids at a time; the rest wait for the next call.
    const missing = [
      ...new Set(ids.filter((id): id is string => !!id && id !== me && !state.names[id])),
    ]
      .filter((id) => !asked.has(id))
      .slice(0, 20)
    if (missing.length === 0) return
    for (const id of missing) asked.add(id)
    try {
      const { operators } = await api.operatorNames(conversation.id, missing)
      m.addNames(operators)
    } catch {
      for (const id of missing) asked.delete(id)
    }
  }

  /**
   * Someone gave this operator a conversation. A transfer: its note is kept for the thread, shown
   * in the notice, and (the tab hidden) notified with the sender's name; anything else rings as
   * before.
   */
  function onAlert(data: TransferAlert) {
    if (data.kind !== 'assigned_to_you') return
    if (data.reason !== 'transfer') {
      alertHidden(
        'assignments',
        data.conversationId,
        t('Conversation assigned to you'),
        t('Open it before it escalates'),
        () => open(data.conversationId),
      )
      return
    }
    const item: TransferNote = {
      conversationId: data.conversationId,
      by: data.by?.kind === 'operator' ? data.by.id : null,
      note: data.note ?? null,
    }
    m.set('notes', data.conversationId, item)
    m.set('toast', item)
    const conversation = state.conversations.find((c) => c.id === data.conversationId)
    const named = conversation && item.by ? learnNames(conversation, [item.by]) : Promise.resolve()
    void named.then(() =>
      alertHidden(
        'assignments',
        data.conversationId,
        t('Conversation transferred to you'),
        transferText(state, item),
        () => open(data.conversationId),
        { always: true },
      ),
    )
  }

  const actions = {
    loadTeam,
    learnNames,
    /** Null when done (the conversation shows its new assignee); otherwise why not. */
    async transfer(
      conversationId: string,
      to: TransferTarget,
      note: string,
    ): Promise<string | null> {
      try {
        const frame = {
          type: 'transfer',
          conversationId,
          to,
          ...(note.trim() ? { note } : {}),
        } as const
        const ack = await transport.request<Conversation>(frame)
        m.upsertConversations([ack])
        return null
      } catch (e) {
        return describe(e)
      }
    },
    dismissToast: () => m.set('toast', null),
  }

  /** Signed out: the next operator learns their own team. */
  function reset() {
    teams.clear()
    asked.clear()
  }
  return { actions, onAlert, reset }
}

/** "Transferred by Anna: VIP customer" (the name when known). */
function transferText(state: PanelState, item: TransferNote): string {
  const who = item.by ? state.names[item.by] : undefined
  const head = who ? t('Transferred by {name}', { name: who }) : t('Transferred by a colleague')
  return item.note ? `${head}: ${item.note}` : head
}
