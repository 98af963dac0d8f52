/** The panel's HTTP calls: inbox pages, a conversation and its history, admin lists, account. */
import type { Locale } from './i18n.ts'
import type {
  BranchRecord,
  BranchSettings,
  CannedReplyRecord,
  GeoRule,
} from '../../actors/index.ts'
import type {
  ConversationEvent,
  ConversationPriority,
  InboxCounts,
  InboxItem,
  Label,
  VisitorContext,
} from '../../protocol/index.ts'
import type { AttributeValue } from '../../protocol/attributes.ts'
import type { Macro, MacroAction } from '../../protocol/macros.ts'
import type { TeamMember, TeamView } from '../../server/availability.ts'
import type { ConversationVisitorAnswer } from '../../server/chat.ts'
import type { BranchView } from '../../server/http/branches.ts'
import type { SearchResponse } from '../../server/http/search.ts'
import type { Overview } from '../../server/overview.ts'
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
export const SEARCH_PAGE = 20

export interface InboxPage {
  items: InboxItem[]
  nextCursor: string | null
}

/** The list's view, filters and order (issue 16); empty strings: no filter. */
export interface ListQuery {
  view: 'all' | 'mine' | 'unassigned'
  status: '' | Conversation['status']
  inbox: string
  assignee: string
  unanswered: boolean
  /** A label's id (issue 20). */
  label: string
  /** A conversation attribute's `key:value` (issue 20). */
  attribute: string
  priority: '' | ConversationPriority
  /** Snoozed ones only (issue 20); else those not snoozed. */
  snoozed: boolean
  /** Only those the operator follows (issue 20). */
  following: boolean
  sort: 'activity' | 'waiting' | 'priority'
}

/** Who follows a conversation (operator ids, first follower first) and whether the caller does. */
export interface Followers {
  following: boolean
  followers: string[]
}

function listParams(q: Omit<ListQuery, 'view' | 'sort'>): URLSearchParams {
  const p = new URLSearchParams()
  if (q.status) p.set('status', q.status)
  if (q.inbox) p.set('inbox', q.inbox)
  if (q.assignee) p.set('assignee', q.assignee)
  if (q.unanswered) p.set('unanswered', 'true')
  if (q.label) p.set('label', q.label)
  if (q.attribute) p.set('attribute', q.attribute)
  if (q.priority) p.set('priority', q.priority)
  p.set('snoozed', String(q.snoozed))
  if (q.following) p.set('following', 'true')
  return p
}

export interface HistoryPage {
  messages: Message[]
  hasMore: boolean
  /** Scrolling up: the page's notes and system lines (the subscription began after them). */
  activity?: ConversationEvent[]
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

export type {
  BranchView,
  ConversationPriority,
  GeoRule,
  Label,
  Macro,
  MacroAction,
  Overview,
  TeamMember,
}

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

/**
 * A conversation's visitor as operators see it: what they told, the page they are on, the
 * pages visited in it and their other conversations the operator may see.
 */
export type ConversationVisitor = ConversationVisitorAnswer

/** A saved answer: the operator's own (`ownerId` set) or an inbox's shared one. */
export type CannedReply = CannedReplyRecord
export type CannedInput = Pick<CannedReply, 'shortcut' | 'title' | 'text'>

export function panelApi(baseUrl: string, token: () => string | null) {
  const call = <T>(path: string, method?: string, body?: unknown) =>
    httpJson<T>(baseUrl, path, { token: token(), method, body })
  const conv = (id: string) => `/api/conversations/${encodeURIComponent(id)}`
  return {
    inbox(query: ListQuery, cursor?: string | null) {
      const q = listParams(query)
      q.set('view', query.view)
      q.set('sort', query.sort)
      q.set('limit', String(INBOX_PAGE))
      if (cursor) q.set('cursor', cursor)
      return call<InboxPage>(`/api/inbox?${q}`)
    },
    counts: (query: ListQuery) => call<InboxCounts>(`/api/inbox/counts?${listParams(query)}`),
    /** The inboxes this operator may see. */
    myInboxes: () => call<{ inboxes: Array<{ id: string; name: string }> }>('/api/inboxes'),
    setStatus: (id: string, status: Conversation['status']) =>
      call<{ status: string; seq: number }>(`${conv(id)}/status`, 'POST', { status }),
    assign: (id: string, operatorId: string | null) =>
      call<{ conversation: Conversation }>(`${conv(id)}/assign`, 'POST', { operatorId }),
    view: (id: string) => call<ConversationView>(conv(id)),
    followers: (id: string) => call<Followers>(`${conv(id)}/followers`),
    /** Follows (on) or stops following the conversation (issue 20). */
    follow: (id: string, on: boolean) =>
      call<Followers>(`${conv(id)}/follow`, on ? 'PUT' : 'DELETE'),
    /** Full-text search over the operator's conversations; `signal` drops a stale one. */
    search: (q: string, offset: number, signal?: AbortSignal) =>
      httpJson<SearchResponse>(
        baseUrl,
        `/api/search?${new URLSearchParams({ q, offset: String(offset), limit: String(SEARCH_PAGE) })}`,
        { token: token(), signal },
      ),
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
      return {
        visitor: answer.visitor,
        context: answer.context ?? null,
        pages: answer.pages ?? [],
        conversations: answer.conversations ?? [],
      }
    },
    /**
     * An operator corrects the visitor's name or e-mail, or sets their attributes (issue 20);
     * null clears one.
     */
    updateVisitor: (
      id: string,
      patch: {
        name?: string | null
        email?: string | null
        attributes?: Record<string, AttributeValue | null>
      },
    ) => call<ConversationVisitor['visitor']>(`${conv(id)}/visitor`, 'PATCH', patch),
    /** The labels an inbox defines (issue 20), by name. */
    labels: (inboxId: string) =>
      call<{ labels: Label[] }>(`/api/inboxes/${encodeURIComponent(inboxId)}/labels`),
    /** The macros an inbox defines (issue 20), by name. */
    macros: (inboxId: string) =>
      call<{ macros: Macro[] }>(`/api/inboxes/${encodeURIComponent(inboxId)}/macros`),
    /** Runs a macro on a conversation; a retry with the same `runId` does nothing twice. */
    runMacro: (id: string, macroId: string, runId: string) =>
      call<{ conversation: Conversation }>(
        `${conv(id)}/macros/${encodeURIComponent(macroId)}`,
        'POST',
        { runId },
      ),
    /** The inbox's branches and operators with their status and load (members, the elevated). */
    team: (inboxId: string) => call<Team>(`/api/inboxes/${encodeURIComponent(inboxId)}/team`),
    /**
     * The own full name, the name visitors see (null: the first word of the full name) and the
     * panel language (null: each device's own).
     */
    setProfile: (patch: { name?: string; displayName?: string | null; locale?: Locale | null }) =>
      call<OperatorView>('/api/me/profile', 'PATCH', patch),
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
    /** The caller's own canned replies and, with an inbox, that inbox's shared ones. */
    cannedReplies: (inboxId: string | null) =>
      call<{ replies: CannedReply[] }>(
        `/api/canned-replies${inboxId ? `?inbox=${encodeURIComponent(inboxId)}` : ''}`,
      ),
    /** A personal reply (`inboxId` null) or one shared in the inbox. */
    createCanned: (inboxId: string | null, input: CannedInput) =>
      call<CannedReply>(
        '/api/canned-replies',
        'POST',
        inboxId ? { scope: 'inbox', inboxId, ...input } : { scope: 'personal', ...input },
      ),
    patchCanned: (id: string, input: CannedInput) =>
      call<CannedReply>(`/api/canned-replies/${encodeURIComponent(id)}`, 'PATCH', input),
    deleteCanned: (id: string) =>
      call<{ ok: boolean }>(`/api/canned-replies/${encodeURIComponent(id)}`, 'DELETE'),
    /** The supervisors' overview (O5): operators, load and queues of the inboxes in scope. */
    overview: () => call<Overview>('/api/overview'),
    /** An operator's open conversations in an inbox, longest waiting first (one page). */
    assignedTo: (inboxId: string, operatorId: string) =>
      call<InboxPage>(
        `/api/inbox?${new URLSearchParams({ inbox: inboxId, assignee: operatorId, status: 'open', sort: 'waiting', limit: String(INBOX_PAGE) })}`,
      ),
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
