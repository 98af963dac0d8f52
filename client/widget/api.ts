/** The widget's HTTP reads: the visitor's conversations, one conversation, a page of history. */
import {
  httpJson,
  type Conversation,
  type ConversationView,
  type Message,
} from '../shared/index.ts'
import type { VisitorSession } from './session.ts'

export const HISTORY_PAGE = 30

export interface HistoryPage {
  messages: Message[]
  hasMore: boolean
}

export function widgetApi(baseUrl: string, session: VisitorSession) {
  const get = async <T>(path: string) =>
    httpJson<T>(baseUrl, path, { token: await session.token() })
  const conv = (id: string) => `/api/conversations/${encodeURIComponent(id)}`
  return {
    conversations: () => get<{ conversations: Conversation[] }>('/api/visitor/conversations'),
    view: (id: string) => get<ConversationView>(conv(id)),
    /** The newest page, or the page before `beforeSeq`. */
    history: (id: string, beforeSeq?: number) =>
      get<HistoryPage>(
        `${conv(id)}/messages?limit=${HISTORY_PAGE}${beforeSeq ? `&before=${beforeSeq}` : ''}`,
      ),
  }
}

export type WidgetApi = ReturnType<typeof widgetApi>
