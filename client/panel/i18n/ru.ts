/**
 * The panel's Russian dictionary: a lazy chunk fetched only when the UI is Russian. One part per
 * group of components, so each part stays next to what it translates in review. A key that two
 * parts share must have the same translation (tests/client/panel-i18n.test.ts checks it).
 * Not here: the Web Push section's Russian (ru/push.ts), which comes with its on-demand chunk
 * (../push-text.ts): this chunk has no room left for it.
 */
import type { Dictionary } from '../i18n.ts'
import { RU_ANALYTICS } from './ru/analytics.ts'
import { RU_ATTRIBUTES } from './ru/attributes.ts'
import { RU_ADMIN_INBOX } from './ru/admin-inbox.ts'
import { RU_ADMIN_TEAM } from './ru/admin-team.ts'
import { RU_ADMIN_TOKENS } from './ru/admin-tokens.ts'
import { RU_ADMIN_WEBHOOKS } from './ru/admin-webhooks.ts'
import { RU_CONVERSATION } from './ru/conversation.ts'
import { RU_LABELS } from './ru/labels.ts'
import { RU_MACROS } from './ru/macros.ts'
import { RU_RULES } from './ru/rules.ts'
import { RU_SHELL } from './ru/shell.ts'
import { RU_SLA } from './ru/sla.ts'
import { RU_SNOOZE } from './ru/snooze.ts'

export const PARTS: ReadonlyArray<Dictionary> = [
  RU_SHELL,
  RU_CONVERSATION,
  RU_LABELS,
  RU_SNOOZE,
  RU_MACROS,
  RU_RULES,
  RU_ATTRIBUTES,
  RU_SLA,
  RU_ADMIN_INBOX,
  RU_ADMIN_TEAM,
  RU_ADMIN_WEBHOOKS,
  RU_ADMIN_TOKENS,
  RU_ANALYTICS,
]

export const RU: Dictionary = Object.assign({}, ...PARTS)
