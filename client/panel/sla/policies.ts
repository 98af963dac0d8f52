/**
 * SLA policies (issue 20) as every part of the panel reads them: each inbox's policies, loaded
 * once and kept (read again after an admin's change), the calls that apply one to a conversation
 * and define them, and their words. Types only from protocol/sla.ts: its valibot schemas are the
 * server's. The components of this folder's chunk import it; the rest of the panel, index.ts.
 */
import { createSignal, onCleanup } from 'solid-js'
import { createStore, reconcile } from 'solid-js/store'
import type { ConversationSla, SlaKind, SlaPolicy } from '../../../protocol/sla.ts'
import { httpJson } from '../../shared/index.ts'
import { msg, t } from '../i18n.ts'

export type { ConversationSla, SlaKind, SlaPolicy }
type Http = { baseUrl: string; token: () => string | null }

/** What the admin's form saves: minutes, or null for no target. */
export type SlaPolicyInput = Pick<
  SlaPolicy,
  'name' | 'firstResponseMinutes' | 'nextResponseMinutes' | 'resolutionMinutes' | 'businessHours'
>

/** Each inbox's policies (by name), once read. */
const [policies, setPolicies] = createStore<Record<string, SlaPolicy[]>>({})
export { policies }
const loading = new Map<string, Promise<void>>()

/** Reads the inbox's policies again (after an admin's change, or a first time). */
export function reloadPolicies(http: Http, inboxId: string): Promise<void> {
  const running = loading.get(inboxId)
  if (running) return running
  const done = httpJson<{ policies: SlaPolicy[] }>(
    http.baseUrl,
    `/api/inboxes/${encodeURIComponent(inboxId)}/sla-policies`,
    { token: http.token() },
  )
    .then((r) => setPolicies(inboxId, reconcile(r.policies, { key: 'id' })))
    .catch(() => undefined)
    .finally(() => loading.delete(inboxId))
  loading.set(inboxId, done)
  return done
}

/** The inbox's policies into the store, unless there already. */
export function loadPolicies(http: Http, inboxId: string): void {
  if (!policies[inboxId]) void reloadPolicies(http, inboxId)
}

export function slaApi(http: Http) {
  const call = <T>(path: string, method: string, body?: unknown) =>
    httpJson<T>(http.baseUrl, path, { method, body, token: http.token() })
  const one = (id: string) => `/api/admin/sla-policies/${encodeURIComponent(id)}`
  return {
    /** Runs the conversation under a policy, or (null) under none; the feed brings it. */
    apply: (conversationId: string, policyId: string | null) =>
      call<{ sla: ConversationSla | null; seq: number }>(
        `/api/conversations/${encodeURIComponent(conversationId)}/sla`,
        'PUT',
        { policyId },
      ),
    create: (inboxId: string, input: SlaPolicyInput) =>
      call<{ policy: SlaPolicy }>(
        `/api/admin/inboxes/${encodeURIComponent(inboxId)}/sla-policies`,
        'POST',
        input,
      ),
    patch: (id: string, input: SlaPolicyInput) =>
      call<{ policy: SlaPolicy }>(one(id), 'PATCH', input),
    /** Conversations under it keep the deadlines it gave them. */
    remove: (id: string) => call<{ ok: true }>(one(id), 'DELETE'),
  }
}

/** Each kind of deadline in words: msg() keys, translated with t() where shown. */
export const KIND_NAMES: Record<SlaKind, string> = {
  first_response: msg('First response'),
  next_response: msg('Next response'),
  resolution: msg('Resolution'),
}

/** The targets of a policy, in the order the form shows them. */
export const TARGETS = [
  ['first_response', 'firstResponseMinutes'],
  ['next_response', 'nextResponseMinutes'],
  ['resolution', 'resolutionMinutes'],
] as const

/** A length in its two largest units: "12 min", "1 h 30 min", "2 d 4 h" (under a minute: "<1 min"). */
export function spanText(minutes: number): string {
  const m = Math.floor(minutes)
  if (m < 1) return t('<1 min')
  const parts = [
    [Math.floor(m / 1440), '{n} d'],
    [Math.floor(m / 60) % 24, '{n} h'],
    [m % 60, '{n} min'],
  ] as const
  const first = parts.findIndex(([n]) => n > 0)
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, words]) => t(words, { n }))
    .join(' ')
}

/** The time now for every deadline on screen: one timer, ticking while any of them shows. */
const [now, setNow] = createSignal(Date.now())
let users = 0
let timer: ReturnType<typeof setInterval> | undefined
export function useNow(): () => number {
  if (users++ === 0) {
    setNow(Date.now())
    timer = setInterval(() => setNow(Date.now()), 30_000)
  }
  onCleanup(() => {
    if (--users === 0) clearInterval(timer)
  })
  return now
}
