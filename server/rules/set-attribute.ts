/**
 * A rule's `set_attribute` action (issue 20): the value it stores, checked against the inbox's
 * definition of the conversation attribute, at save (server/http/rules.ts) and again when it
 * runs (runner.ts: the definition may have changed or gone since).
 */
import type { Store } from '../../actors/index.ts'
import { attributeValue, type AttributeValue } from '../../protocol/attributes.ts'

export async function attributeToSet(
  store: Store,
  inboxId: string,
  key: string,
  raw: string | number | boolean | null,
): Promise<{ value: AttributeValue | null } | { error: string }> {
  const def = (await store.attributes.list(inboxId)).find(
    (d) => d.scope === 'conversation' && d.key === key,
  )
  if (!def) return { error: `${key} is not a conversation attribute of this inbox` }
  if (raw === null) return { value: null }
  const checked = attributeValue(def, raw)
  return 'error' in checked ? { error: `${key}: ${checked.error}` } : checked
}
