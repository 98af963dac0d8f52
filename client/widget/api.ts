/**
 * The widget's HTTP calls: the team's availability, the visitor's conversations, one
 * conversation, a page of history, its place in the queue, the names and pictures of its
 * operators, a request left while nobody can answer, and what the visitor told about
 * themselves (the pre-chat form).
 */
import {
  httpJson,
  type AvailabilityView,
  type Conversation,
  type ConversationView,
  type Message,
  type SendAck,
} from '../shared/index.ts'
import type { VisitorConversation } from '../../protocol/index.ts'
import type { Lang } from './config.ts'
import type { VisitorSession } from './session.ts'

export const HISTORY_PAGE = 30

export interface HistoryPage {
  messages: Message[]
  hasMore: boolean
}

/** An operator as visitors see them (13.7): public name and picture (null: initials). */
export interface OperatorName {
  id: string
  name: string
  avatarId: string | null
}

/** What the visitor told about themselves (docs/protocol.md 14.1). */
export interface Profile {
  name: string | null
  email: string | null
  phone: string | null
  attributes: Record<string, string | number | boolean>
}

/** A change of the profile: null clears a field (or, in attributes, removes one). */
export interface ProfilePatch {
  name?: string | null
  email?: string | null
  phone?: string | null
  attributes?: Record<string, string | number | boolean | null>
}

/** What the visitor fills in while nobody can answer (R6). */
export interface OfflineRequest {
  name: string
  email: string
  text: string
}

export function widgetApi(
  baseUrl: string,
  session: VisitorSession,
  inboxId: string,
  /** The widget's language now: the availability's texts come in it. */
  lang: () => Lang,
) {
  const get = async <T>(path: string) =>
    httpJson<T>(baseUrl, path, { token: await session.token() })
  const conv = (id: string) => `/api/conversations/${encodeURIComponent(id)}`
  return {
    /** Public: asked before the visitor has a session. */
    availability: () =>
      httpJson<AvailabilityView>(
        baseUrl,
        `/api/visitor/availability?inboxId=${encodeURIComponent(inboxId)}&lang=${lang()}`,
      ),
    /** Starts the visitor's conversation with the request as its first message. */
    leave: async (body: OfflineRequest & { clientMsgId: string; locale: Lang }) =>
      httpJson<{ conversation: Conversation; message: SendAck }>(
        baseUrl,
        '/api/visitor/offline-requests',
        { body, token: await session.token() },
      ),
    /** All of them, newest activity first, each with its newest message and unread count. */
    conversations: () =>
      get<{ conversations: VisitorConversation[] }>('/api/visitor/conversations'),
    view: (id: string) => get<ConversationView>(conv(id)),
    /** The newest page, or the page before `beforeSeq`. */
    history: (id: string, beforeSeq?: number) =>
      get<HistoryPage>(
        `${conv(id)}/messages?limit=${HISTORY_PAGE}${beforeSeq ? `&before=${beforeSeq}` : ''}`,
      ),
    /** Its place while it waits for an operator (R6); null when it is not waiting. */
    queue: (id: string) => get<{ position: number | null }>(`${conv(id)}/queue`),
    /** The visitor-facing names of up to 20 operators; ids it may not know are left out. */
    operators: (id: string, ids: string[]) =>
      get<{ operators: OperatorName[] }>(`${conv(id)}/operators?ids=${ids.join(',')}`),
    profile: () => get<Profile>('/api/visitor/profile'),
    /** Changes the profile; a bad value refuses the whole patch (422 naming it). */
    saveProfile: async (body: ProfilePatch) =>
      httpJson<Profile>(baseUrl, '/api/visitor/profile', {
        method: 'PATCH',
        body,
        token: await session.token(),
      }),
    /** An operator's picture (a public 256 px WebP, cached for good under its id). */
    avatarUrl: (avatarId: string) => `${baseUrl}/api/avatars/${encodeURIComponent(avatarId)}`,
  }
}

export type WidgetApi = ReturnType<typeof widgetApi>
