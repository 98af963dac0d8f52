/** The panel's HTTP calls: inbox pages, a conversation and its history, admin lists, account. */
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
    /** The own password; the server ends every other session of this operator. */
    changePassword: (currentPassword: string, newPassword: string) =>
      call<{ ok: boolean }>('/api/auth/password', 'POST', { currentPassword, newPassword }),
    /** Ends every session of this operator, this one included. */
    logoutAll: () => call<{ ok: boolean }>('/api/auth/logout-all', 'POST', {}),
  }
}

export type PanelApi = ReturnType<typeof panelApi>
