/** The panel's HTTP calls: inbox pages, a conversation and its history, admin lists, account. */
import type { BranchRecord, BranchSettings, GeoRule } from '../../actors/index.ts'
import type { VisitorContext } from '../../protocol/index.ts'
import type { TeamMember, TeamView } from '../../server/availability.ts'
import type { VisitorProfile } from '../../server/chat.ts'
import type { BranchView } from '../../server/http/branches.ts'
import {
  fromWire,
  httpJson,
  ParleyError,
  type Conversation,
  type ConversationView,
  type InboxRecord,
  type InboxSettings,
  type Message,
  type OperatorView,
  type WireError,
} from '../shared/index.ts'
import { uploadRefusal } from '../shared/attachments.ts'

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
  /** What visitors see; absent or null: the first word of the name. */
  displayName?: string | null
  password: string
  role: OperatorRole
  canChat: boolean
}

export type OperatorPatch = Partial<
  Pick<OperatorView, 'name' | 'displayName' | 'role' | 'canChat' | 'active'>
>

/** The pictures the server takes (checked again there, by their bytes) and its size limit. */
export const PICTURE_TYPES = 'image/png,image/jpeg,image/webp,image/gif'
export const PICTURE_MAX_BYTES = 5 * 1024 * 1024

/** Upload progress, 0 to 1. */
export type Progress = (fraction: number) => void

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

export type { VisitorContext }

/** A conversation's visitor as operators see it: what they told, and the page they are on. */
export interface ConversationVisitor {
  visitor: VisitorProfile & {
    id: string
    /** Signed in through the site's identity check. */
    identified: boolean
  }
  /** The newest page the widget reported, with browser, OS and device; null when none. */
  context: VisitorContext | null
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
    /** Public names of operators of the conversation's inbox (ids it does not know are left out). */
    operatorNames: (id: string, ids: string[]) =>
      call<{ operators: Array<{ id: string; name: string }> }>(
        `${conv(id)}/operators?ids=${ids.map(encodeURIComponent).join(',')}`,
      ),
    /** The conversation's visitor (profile) and their newest page (context). */
    visitor: async (id: string): Promise<ConversationVisitor> => {
      const answer = await call<Partial<ConversationVisitor>>(`${conv(id)}/visitor`)
      if (!answer.visitor) throw new ParleyError('bad_request', 'no visitor in the answer')
      return { visitor: answer.visitor, context: answer.context ?? null }
    },
    /** The inbox's branches and operators with their status and load (members, the elevated). */
    team: (inboxId: string) => call<Team>(`/api/inboxes/${encodeURIComponent(inboxId)}/team`),
    /** The own name as visitors see it; null: the first word of the name. */
    setDisplayName: (displayName: string | null) =>
      call<OperatorView>('/api/me/profile', 'PATCH', { displayName }),
    /**
     * A new picture (multipart, field `file`) for this operator (`operatorId` null) or, by an
     * admin, another; answers the operator with its new avatarId.
     */
    putAvatar: (operatorId: string | null, file: File, progress: Progress) =>
      sendFile(baseUrl + avatarPath(operatorId), token(), file, progress),
    /** Back to initials. */
    removeAvatar: (operatorId: string | null) =>
      call<OperatorView>(avatarPath(operatorId), 'DELETE'),
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
    /** The inbox's identity secret (the server logs who asked). */
    identitySecret: (id: string) =>
      call<{ identitySecret: string }>(
        `/api/admin/inboxes/${encodeURIComponent(id)}/identity-secret`,
      ),
    /** A new identity secret: every hash the site made with the old one stops working. */
    rotateIdentitySecret: (id: string) =>
      call<InboxRecord>(
        `/api/admin/inboxes/${encodeURIComponent(id)}/rotate-identity-secret`,
        'POST',
      ),
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

const avatarPath = (operatorId: string | null) =>
  operatorId === null
    ? '/api/me/avatar'
    : `/api/admin/operators/${encodeURIComponent(operatorId)}/avatar`

/** PUT of one file with upload progress (XHR: fetch reports none); refusals as ParleyError. */
function sendFile(url: string, token: string | null, file: File, progress: Progress) {
  return new Promise<OperatorView>((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('PUT', url)
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`)
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) progress(e.loaded / e.total)
    }
    xhr.onerror = xhr.onabort = () => reject(new ParleyError('unavailable', 'network error'))
    xhr.onload = () => {
      let body: (OperatorView & { error?: WireError }) | null = null
      try {
        body = JSON.parse(xhr.responseText)
      } catch {
        // not JSON (a proxy's page): judged by the status below
      }
      if (xhr.status === 200 && body?.id) return resolve(body)
      reject(uploadRefusal(xhr.status, body))
    }
    const form = new FormData()
    form.append('file', file, file.name || 'picture')
    xhr.send(form)
  })
}
