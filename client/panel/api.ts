/** The panel's HTTP calls: inbox pages, a conversation and its history, admin lists, account. */
import type { BranchRecord, BranchSettings, GeoRule } from '../../actors/index.ts'
import type { TeamMember, TeamView } from '../../server/availability.ts'
import type { BranchView } from '../../server/http/branches.ts'
import {
  httpJson,
  type Conversation,
  type ConversationView,
  type InboxRecord,
  type InboxSettings,
  type Message,
  type OperatorView,
} from '../shared/index.ts'

export const HISTORY_PAGE = 30
export const INBOX_PAGE = 30

export interface InboxPage {
  items: Conversation[]
  nextCursor: string | null
}

export interface HistoryPage {
  messages: Message[]
  hasMore: boolean
}

export type OperatorRole = OperatorView['role']

export const ROLES: readonly OperatorRole[] = ['operator', 'supervisor', 'admin']

export interface NewOperator {
  email: string
  name: string
  password: string
  role: OperatorRole
  canChat: boolean
}

export type OperatorPatch = Partial<Pick<OperatorView, 'name' | 'role' | 'canChat' | 'active'>>

export interface InboxPatch {
  name?: string
  settings?: Partial<InboxSettings>
}

export type { BranchView, GeoRule, TeamMember }

/** An inbox's branches (open now?) and their operators with status, presence and load (R4). */
export type Team = TeamView
export type Schedule = BranchRecord['schedule']

/** An inbox's branches and how new conversations are routed to them. */
export interface InboxBranches {
  defaultBranchId: string
  geoRules: GeoRule[]
  branches: BranchView[]
}

/** What the branch form saves: the whole branch (members included). */
export interface BranchInput {
  name: string
  schedule: Schedule
  settings: Partial<BranchSettings>
  operatorIds: string[]
}

export type Routing = Pick<InboxBranches, 'defaultBranchId' | 'geoRules'>

export function panelApi(baseUrl: string, token: () => string | null) {
  const call = <T>(path: string, method?: string, body?: unknown) =>
    httpJson<T>(baseUrl, path, { token: token(), method, body })
  const conv = (id: string) => `/api/conversations/${encodeURIComponent(id)}`
  return {
    inbox(opts: { unanswered: boolean; cursor?: string | null }) {
      const q = new URLSearchParams({ limit: String(INBOX_PAGE) })
      if (opts.unanswered) q.set('unanswered', 'true')
      if (opts.cursor) q.set('cursor', opts.cursor)
      return call<InboxPage>(`/api/inbox?${q}`)
    },
    view: (id: string) => call<ConversationView>(conv(id)),
    /** The newest page, or the page before `beforeSeq`. */
    history: (id: string, beforeSeq?: number) =>
      call<HistoryPage>(
        `${conv(id)}/messages?limit=${HISTORY_PAGE}${beforeSeq ? `&before=${beforeSeq}` : ''}`,
      ),
    /** Public names of operators of the conversation's inbox (ids it does not know are left out). */
    operatorNames: (id: string, ids: string[]) =>
      call<{ operators: Array<{ id: string; name: string }> }>(
        `${conv(id)}/operators?ids=${ids.map(encodeURIComponent).join(',')}`,
      ),
    /** The inbox's branches and operators with their status and load (members, the elevated). */
    team: (inboxId: string) => call<Team>(`/api/inboxes/${encodeURIComponent(inboxId)}/team`),
    /** The own name as visitors see it; null: the first word of the name. */
    setDisplayName: (displayName: string | null) =>
      call<OperatorView>('/api/me/profile', 'PATCH', { displayName }),
    operators: () => call<{ operators: OperatorView[] }>('/api/admin/operators'),
    createOperator: (op: NewOperator) => call<OperatorView>('/api/admin/operators', 'POST', op),
    patchOperator: (id: string, patch: OperatorPatch) =>
      call<OperatorView>(`/api/admin/operators/${encodeURIComponent(id)}`, 'PATCH', patch),
    inboxes: () => call<{ inboxes: InboxRecord[] }>('/api/admin/inboxes'),
    members: (id: string) =>
      call<{ operatorIds: string[] }>(`/api/admin/inboxes/${encodeURIComponent(id)}/members`),
    setMembers: (id: string, operatorIds: string[]) =>
      call<{ operatorIds: string[] }>(
        `/api/admin/inboxes/${encodeURIComponent(id)}/members`,
        'PUT',
        { operatorIds },
      ),
    patchInbox: (id: string, patch: InboxPatch) =>
      call<InboxRecord>(`/api/admin/inboxes/${encodeURIComponent(id)}`, 'PATCH', patch),
    branches: (inboxId: string) =>
      call<InboxBranches>(`/api/admin/inboxes/${encodeURIComponent(inboxId)}/branches`),
    createBranch: (inboxId: string, branch: BranchInput) =>
      call<BranchView>(
        `/api/admin/inboxes/${encodeURIComponent(inboxId)}/branches`,
        'POST',
        branch,
      ),
    patchBranch: (id: string, patch: Omit<BranchInput, 'operatorIds'>) =>
      call<BranchView>(`/api/admin/branches/${encodeURIComponent(id)}`, 'PATCH', patch),
    /** Its conversations move to the default branch (the default branch itself is refused). */
    deleteBranch: (id: string) =>
      call<{ ok: boolean; movedTo: string }>(
        `/api/admin/branches/${encodeURIComponent(id)}`,
        'DELETE',
      ),
    /** The branch's members; each also becomes a member of the inbox. */
    setBranchMembers: (id: string, operatorIds: string[]) =>
      call<{ operatorIds: string[] }>(
        `/api/admin/branches/${encodeURIComponent(id)}/members`,
        'PUT',
        { operatorIds },
      ),
    setRouting: (inboxId: string, routing: Routing) =>
      call<Routing>(`/api/admin/inboxes/${encodeURIComponent(inboxId)}/routing`, 'PUT', routing),
    /** The own password; the server ends every other session of this operator. */
    changePassword: (currentPassword: string, newPassword: string) =>
      call<{ ok: boolean }>('/api/auth/password', 'POST', { currentPassword, newPassword }),
    /** Ends every session of this operator, this one included. */
    logoutAll: () => call<{ ok: boolean }>('/api/auth/logout-all', 'POST', {}),
  }
}

export type PanelApi = ReturnType<typeof panelApi>
