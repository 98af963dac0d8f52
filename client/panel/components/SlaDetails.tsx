/**
 * The conversation's SLA (issue 20), among its details under the title: the policy it runs
 * under (a select of the inbox's policies and "No SLA" for those who may take part), each
 * pending deadline with the time left ("First response in 12 min"; amber with an icon when at
 * risk) and, in red, the newest breach of each kind ("First response breached 5 min ago").
 * Nothing at all while it has none and its inbox defines none. The feed brings the change.
 */
import { createEffect, createSignal, For, Show } from 'solid-js'
import type { Conversation } from '../../shared/index.ts'
import { Icon } from '../../shared/ui/Icon.tsx'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { describe } from '../chat.ts'
import { usePanel } from '../context.ts'
import { t, tx } from '../i18n.ts'
import { atRisk, slaDues } from '../sla.ts'
import { KIND_NAMES, loadPolicies, policies, slaApi, spanText, useNow } from '../sla/policies.ts'
import '../sla.css'

export function SlaDetails(props: { conversation: Conversation }) {
  const panel = usePanel()
  const now = useNow()
  const [error, setError] = createSignal<string | null>(null)
  const sla = () => props.conversation.sla
  const editable = () =>
    panel.state.login?.operator.canChat === true && props.conversation.erasedAt === undefined
  createEffect(() => loadPolicies(panel.http, props.conversation.inboxId))
  /** The inbox's policies, and the one it runs under if since deleted (by the name it had). */
  const options = () => {
    const s = sla()
    const all = (policies[props.conversation.inboxId] ?? []).map((p) => [p.id, p.name] as const)
    return s && !all.some(([id]) => id === s.policyId)
      ? [[s.policyId, s.name] as const, ...all]
      : all
  }
  const dues = () => {
    const s = sla()
    return s ? slaDues(s) : []
  }
  /** The newest breach of each kind, oldest first. */
  const breaches = () => {
    const newest = new Map((sla()?.breaches ?? []).map((b) => [b.kind, b]))
    return [...newest.values()].sort((a, b) => a.due - b.due)
  }
  const kind = (k: keyof typeof KIND_NAMES) => t(KIND_NAMES[k])

  const apply = async (select: HTMLSelectElement) => {
    setError(null)
    try {
      await slaApi(panel.http).apply(props.conversation.id, select.value || null)
    } catch (e) {
      setError(describe(e))
      select.value = sla()?.policyId ?? ''
    }
  }

  return (
    <Show when={sla() || (editable() && options().length > 0)}>
      <div class="sla-details">
        <dt>{tx('conversation', 'SLA')}</dt>
        <dd>
          <Show when={editable()} fallback={<SafeText text={sla()?.name ?? ''} />}>
            <select
              aria-label={tx('conversation', 'SLA')}
              onChange={(e) => void apply(e.currentTarget)}
            >
              <option value="" selected={!sla()}>
                {t('No SLA')}
              </option>
              <For each={options()}>
                {([id, name]) => (
                  <option value={id} selected={id === sla()?.policyId}>
                    {name}
                  </option>
                )}
              </For>
            </select>
          </Show>
          <For each={dues()}>
            {(d) => (
              <span class="sla-due" data-sla={atRisk(d, now()) ? 'risk' : undefined}>
                <Show when={atRisk(d, now())}>
                  <Icon name="alert" size={14} />
                </Show>
                {t('{kind} in {time}', {
                  kind: kind(d.kind),
                  time: spanText((d.due - now()) / 60_000),
                })}
                <Show when={atRisk(d, now())}>
                  <span class="sr-only">{t(', at risk')}</span>
                </Show>
              </span>
            )}
          </For>
          <For each={breaches()}>
            {(b) => (
              <span class="sla-due" data-sla="breached">
                <Icon name="alert" size={14} />
                {t('{kind} breached {time} ago', {
                  kind: kind(b.kind),
                  time: spanText((now() - b.due) / 60_000),
                })}
              </span>
            )}
          </For>
          <Show when={error()}>
            <span class="error" role="alert">
              {error()}
            </span>
          </Show>
        </dd>
      </div>
    </Show>
  )
}
