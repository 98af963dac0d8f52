/**
 * The admin's automation rule calls (issue 20): list, create, change, reorder, delete and dry
 * run an inbox's rules (`/api/admin/...`), and list the inbox's webhook endpoints a rule may post
 * to (admins only: not webhooks-api.ts, which would move into a chunk both pages share). Only
 * the rules' on-demand chunk loads it. Types only from protocol/: its valibot schemas are the
 * server's.
 */
import { httpJson } from '../shared/index.ts'
import type { WebhookEndpoint } from '../../protocol/webhooks.ts'
import type { AttributeOp, AttributeScope, AttributeValue } from '../../protocol/attributes.ts'
import type {
  Rule as WireRule,
  RuleAction,
  RuleCondition as WireCondition,
  RuleDryRun,
  RuleEvent,
  RuleInput as WireInput,
} from '../../protocol/rules.ts'

export type { RuleAction, RuleDryRun, RuleEvent, WebhookEndpoint }

/**
 * A condition on a custom attribute (issue 20; protocol/attributes.ts says how each op
 * compares): `value` null for `set` and `not_set`, else of the attribute's type.
 */
export interface AttributeCondition {
  field: 'attribute'
  scope: AttributeScope
  key: string
  op: AttributeOp
  value: AttributeValue | null
}
export type RuleCondition = Exclude<WireCondition, { field: 'attribute' }> | AttributeCondition
export type Rule = Omit<WireRule, 'conditions'> & { conditions: RuleCondition[] }
export type RuleInput = Omit<WireInput, 'conditions'> & { conditions: RuleCondition[] }

/** What a dry run looks at: the form's event and conditions, over the last `days`. */
export interface DryRunInput {
  event: RuleEvent
  waitMinutes: number | null
  conditions: RuleCondition[]
  days: number
}

export function rulesApi(http: { baseUrl: string; token: () => string | null }) {
  const call = <T>(path: string, method: string, body?: unknown) =>
    httpJson<T>(http.baseUrl, `/api/admin${path}`, { method, body, token: http.token() })
  const inbox = (id: string) => `/inboxes/${encodeURIComponent(id)}/rules`
  const rule = (id: string) => `/rules/${encodeURIComponent(id)}`
  return {
    list: (inboxId: string) => call<{ rules: Rule[] }>(inbox(inboxId), 'GET'),
    create: (inboxId: string, input: RuleInput) =>
      call<{ rule: Rule }>(inbox(inboxId), 'POST', input),
    patch: (id: string, input: Partial<RuleInput>) =>
      call<{ rule: Rule }>(rule(id), 'PATCH', input),
    remove: (id: string) => call<{ ok: true }>(rule(id), 'DELETE'),
    order: (inboxId: string, ids: string[]) =>
      call<{ rules: Rule[] }>(`${inbox(inboxId)}/order`, 'PUT', { ids }),
    dryRun: (inboxId: string, input: DryRunInput) =>
      call<RuleDryRun>(`${inbox(inboxId)}/dry-run`, 'POST', input),
    /** The inbox's webhook endpoints, of every kind (a supervisor is refused: `forbidden`). */
    webhooks: (inboxId: string) =>
      httpJson<{ endpoints: WebhookEndpoint[] }>(
        http.baseUrl,
        `/api/webhooks?inboxId=${encodeURIComponent(inboxId)}`,
        { token: http.token() },
      ),
  }
}
