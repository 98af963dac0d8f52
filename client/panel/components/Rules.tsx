/**
 * Admin, in an inbox's settings: its automation rules (issue 20), an on-demand chunk (Rules-*,
 * client/build.ts). In the order they run: each with its event in words, an on/off switch, how
 * often and when it last ran, and why it last failed (a warning); moved up or down (the focus
 * stays on the button that moved it), changed in place (RuleForm), deleted after a
 * confirmation. A change that fails says why in its row.
 */
import { createSignal, onMount, Show } from 'solid-js'
import { createStore, reconcile } from 'solid-js/store'
import { Icon } from '../../shared/ui/Icon.tsx'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { describe } from '../chat.ts'
import { usePanel } from '../context.ts'
import { t, tn } from '../i18n.ts'
import { dateTime, EVENTS } from '../rule-words.ts'
import { rulesApi, type Rule } from '../rules-api.ts'
import { RuleForm } from './RuleForm.tsx'
import { SettingsList } from './SettingsList.tsx'
import '../rules.css'

export default function Rules(props: { inboxId: string }) {
  const panel = usePanel()
  const api = rulesApi(panel.http)
  const [state, setState] = createStore<{ rules: Rule[] | undefined }>({ rules: undefined })
  /** Why loading the rules, or changing one of them (its id), failed. */
  const [failure, setFailure] = createSignal<{ id: string; message: string } | null>(null)

  const show = (rules: Rule[]) => setState('rules', reconcile(rules, { key: 'id' }))
  const load = async () => show((await api.list(props.inboxId)).rules)
  onMount(() => void load().catch((e) => setFailure({ id: '', message: describe(e) })))

  /** Runs a change to one rule; a refusal shows in its row. */
  const attempt = async (rule: Rule, change: () => Promise<void>) => {
    setFailure(null)
    try {
      await change()
    } catch (e) {
      setFailure({ id: rule.id, message: describe(e) })
    }
  }
  /** Moves go one after another: a second press while the first is saved moves from its result. */
  let moving: Promise<void> = Promise.resolve()
  const move = (rule: Rule, delta: -1 | 1) => (moving = moving.then(() => moveNow(rule, delta)))
  const moveNow = (rule: Rule, delta: -1 | 1) =>
    attempt(rule, async () => {
      const ids = (state.rules ?? []).map((r) => r.id)
      const i = ids.indexOf(rule.id)
      // At an end already (moved there by a press before this one): nothing to do.
      if (i < 0 || i + delta < 0 || i + delta >= ids.length) return
      ids.splice(i + delta, 0, ...ids.splice(i, 1))
      show((await api.order(props.inboxId, ids)).rules)
      // The row moved (its node too): the focus follows it, to the other button at an end.
      const row = document.querySelector(`[data-row="${CSS.escape(rule.id)}"]`)
      const same = row?.querySelector<HTMLButtonElement>(`[data-move="${delta}"]`)
      const other = row?.querySelector<HTMLButtonElement>(`[data-move="${-delta}"]`)
      ;(same && !same.disabled ? same : other)?.focus()
    })
  const toggle = (rule: Rule, enabled: boolean) =>
    attempt(rule, async () => {
      const { rule: saved } = await api.patch(rule.id, { enabled })
      show((state.rules ?? []).map((r) => (r.id === saved.id ? saved : r)))
    })

  const event = (rule: Rule) => {
    const words = t(EVENTS.find(([e]) => e === rule.event)?.[1] ?? rule.event)
    return rule.waitMinutes === null
      ? words
      : t('{event} {n} min', { event: words, n: rule.waitMinutes })
  }
  const runs = (rule: Rule) =>
    rule.runs === 0 || rule.lastRunAt === null
      ? t('Never ran')
      : tn(rule.runs, 'Ran {n} time, last {time}', 'Ran {n} times, last {time}', {
          time: dateTime(rule.lastRunAt),
        })
  const moveButton = (rule: Rule, i: () => number, delta: -1 | 1) => (
    <button
      type="button"
      class={`icon-button small ${delta < 0 ? 'up' : ''}`}
      data-move={delta}
      aria-label={
        delta < 0
          ? t('Move {name} up', { name: rule.name })
          : t('Move {name} down', { name: rule.name })
      }
      disabled={delta < 0 ? i() === 0 : i() === (state.rules?.length ?? 0) - 1}
      onClick={() => void move(rule, delta)}
    >
      <Icon name="down" size={16} />
    </button>
  )

  return (
    <>
      <SettingsList
        title={t('Automation rules')}
        hint={t(
          'When something happens to a conversation, its rules act by themselves, in this order.',
        )}
        class="label-admin macro-admin rule-admin"
        items={state.rules}
        row={(rule) => {
          const i = () => state.rules?.indexOf(rule) ?? 0
          return (
            <div class="rule-row">
              <div class="rule-order step-buttons">
                {moveButton(rule, i, -1)}
                {moveButton(rule, i, 1)}
              </div>
              <div class="rule-summary">
                <SafeText class="rule-name" text={rule.name} />
                <span class="muted">{event(rule)}</span>
                <span class="muted">{runs(rule)}</span>
                <Show when={rule.lastError}>
                  {(last) => (
                    <p class="rule-warning">
                      <Icon name="alert" size={16} />
                      <span>
                        {t('Last failed {time}: {message}', {
                          time: dateTime(last().at),
                          message: last().message,
                        })}
                      </span>
                    </p>
                  )}
                </Show>
                <Show when={failure()?.id === rule.id}>
                  <p class="error" role="alert">
                    {failure()?.message}
                  </p>
                </Show>
              </div>
              <label class="check rule-on">
                <input
                  type="checkbox"
                  role="switch"
                  checked={rule.enabled}
                  aria-label={t('{name} is on', { name: rule.name })}
                  onChange={(e) => void toggle(rule, e.currentTarget.checked)}
                />
                <span aria-hidden="true">{rule.enabled ? t('On') : t('Off')}</span>
              </label>
            </div>
          )
        }}
        form={(rule, done) => (
          <RuleForm inboxId={props.inboxId} rule={rule} onDone={done} reload={load} />
        )}
        add={t('New rule')}
        confirm={[
          (rule) => t('Delete the rule {name}?', { name: rule.name }),
          t('Delete rule'),
          t('It no longer runs; what it did stays done.'),
        ]}
        remove={async (rule) => {
          await api.remove(rule.id)
          await load()
        }}
      />
      <Show when={failure()?.id === ''}>
        <p class="error" role="alert">
          {failure()?.message}
        </p>
      </Show>
    </>
  )
}
