/**
 * Custom attributes (issue 20) as every part of the panel reads them: each inbox's definitions,
 * loaded once and kept (read again after an admin's change), a conversation's values, and a
 * value in words. Types only from protocol/attributes.ts: its valibot schemas are the server's.
 * The components of this folder's chunk import it; the rest of the panel, index.ts.
 */
import { createStore, reconcile } from 'solid-js/store'
import type {
  AttributeDefinition,
  AttributeScope,
  AttributeType,
  AttributeValue,
} from '../../../protocol/attributes.ts'
import { asParleyError, httpJson, type Conversation } from '../../shared/index.ts'
import { msg, t } from '../i18n.ts'

export type { AttributeDefinition, AttributeScope, AttributeType, AttributeValue }
export type AttributeValues = Record<string, AttributeValue>
type Http = { baseUrl: string; token: () => string | null }

/** Each inbox's definitions (visitor scope first, then conversation, each by name), once read. */
const [definitions, setDefinitions] = createStore<Record<string, AttributeDefinition[]>>({})
export { definitions }
const loading = new Map<string, Promise<void>>()

/** Reads the inbox's definitions again (after an admin's change, or a first time). */
export function reloadDefinitions(http: Http, inboxId: string): Promise<void> {
  const running = loading.get(inboxId)
  if (running) return running
  const done = httpJson<{ attributes: AttributeDefinition[] }>(
    http.baseUrl,
    `/api/inboxes/${encodeURIComponent(inboxId)}/attributes`,
    { token: http.token() },
  )
    .then(({ attributes }) => setDefinitions(inboxId, reconcile(attributes, { key: 'id' })))
    .catch(() => undefined)
    .finally(() => loading.delete(inboxId))
  loading.set(inboxId, done)
  return done
}

/** The inbox's definitions into the store, unless there already. */
export function loadDefinitions(http: Http, inboxId: string): void {
  if (!definitions[inboxId]) void reloadDefinitions(http, inboxId)
}

/** The inbox's definitions of one scope (none until read). */
export const definitionsOf = (inboxId: string, scope: AttributeScope) =>
  (definitions[inboxId] ?? []).filter((d) => d.scope === scope)

/** The conversation's values (the wire leaves `attributes` out when it has none). */
export const attributesOf = (c: Conversation): AttributeValues => c.attributes ?? {}

/** A refusal in the server's words, less the field it names ("attributes.plan: ..."). */
export const refusalText = (message: string) => message.replace(/^[\w.[\]]+: /, '')

/**
 * Sets or removes (null) values of the conversation; null when saved, else why not. The feed
 * then brings the conversation with its values, to this panel and every other.
 */
export async function saveAttributes(
  http: Http,
  conversationId: string,
  attributes: Record<string, AttributeValue | null>,
): Promise<string | null> {
  try {
    await httpJson(
      http.baseUrl,
      `/api/conversations/${encodeURIComponent(conversationId)}/attributes`,
      {
        method: 'PATCH',
        body: { attributes },
        token: http.token(),
      },
    )
    return null
  } catch (e) {
    return refusalText(asParleyError(e).message)
  }
}

/** A value in words: a checkbox as yes or no, the rest as it is. */
export const valueText = (value: AttributeValue) =>
  typeof value === 'boolean' ? (value ? t('yes') : t('no')) : String(value)

/** The words for each scope and type: msg() keys, translated with t() where shown. */
export const SCOPE_NAMES: Record<AttributeScope, string> = {
  conversation: msg('Conversation'),
  visitor: msg('Visitor'),
}
export const TYPE_NAMES: Record<AttributeType, string> = {
  text: msg('Text'),
  number: msg('Number'),
  date: msg('Date'),
  list: msg('List'),
  checkbox: msg('Checkbox'),
  link: msg('Link'),
}
