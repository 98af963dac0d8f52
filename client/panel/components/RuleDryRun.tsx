/**
 * A rule's dry run in its editor (issue 20): how many of the inbox's conversations of the last
 * 1, 7 or 30 days the event and conditions on screen match now, and the first of them (each
 * opens in the inbox). Saves nothing; the answer is announced.
 */
import { createSignal, For, Show } from 'solid-js'
import { describe } from '../chat.ts'
import { usePanel } from '../context.ts'
import { STATUS_LABELS } from '../format.ts'
import { t, tn } from '../i18n.ts'
import { dateTime } from '../rule-words.ts'
import { rulesApi, type DryRunInput, type RuleDryRun as DryRun } from '../rules-api.ts'

const DAYS = [1, 7, 30] as const
/** The first matches shown (the answer holds up to 20). */
const SHOWN = 5

export function RuleDryRun(props: {
  inboxId: string
  /** The form's event and conditions now. */
  input: () => Omit<DryRunInput, 'days'>
}) {
  const panel = usePanel()
  const [days, setDays] = createSignal<number>(7)
  const [result, setResult] = createSignal<{ days: number; answer: DryRun } | null>(null)
  const [error, setError] = createSignal<string | null>(null)
  const [busy, setBusy] = createSignal(false)

  const run = async () => {
    setBusy(true)
    setError(null)
    try {
      const d = days()
      const answer = await rulesApi(panel.http).dryRun(props.inboxId, { ...props.input(), days: d })
      setResult({ days: d, answer })
    } catch (e) {
      setResult(null)
      setError(describe(e))
    } finally {
      setBusy(false)
    }
  }
  const open = (e: MouseEvent, id: string) => {
    e.preventDefault()
    panel.actions.showPage('inbox')
    void panel.actions.openConversation(id)
  }

  return (
    <div class="rule-dry-run">
      <div class="rule-dry-controls">
        <label>
          {t('Look back')}
          <select onChange={(e) => setDays(Number(e.currentTarget.value))}>
            <For each={DAYS}>
              {(d) => (
                <option value={d} selected={d === days()}>
                  {tn(d, '{n} day', '{n} days')}
                </option>
              )}
            </For>
          </select>
        </label>
        <button type="button" class="secondary" disabled={busy()} onClick={() => void run()}>
          {t('Dry run')}
        </button>
      </div>
      <div role="status">
        <Show when={result()}>
          {(r) => (
            <>
              <p>
                {tn(
                  r().days,
                  'This rule would have matched {matched} of {examined} conversations in the last day',
                  'This rule would have matched {matched} of {examined} conversations in the last {n} days',
                  { matched: r().answer.matched, examined: r().answer.examined },
                )}
              </p>
              <Show when={r().answer.conversations.length > 0}>
                <ul class="rule-matches" aria-label={t('First matches')}>
                  <For each={r().answer.conversations.slice(0, SHOWN)}>
                    {(c) => (
                      <li>
                        <a href={`#c/${encodeURIComponent(c.id)}`} onClick={(e) => open(e, c.id)}>
                          {c.id}
                        </a>{' '}
                        <span class="muted">
                          {dateTime(c.createdAt)} · {t(STATUS_LABELS[c.status])}
                        </span>
                      </li>
                    )}
                  </For>
                </ul>
              </Show>
            </>
          )}
        </Show>
      </div>
      <Show when={error()}>
        {(message) => (
          <p class="error" role="alert">
            {message()}
          </p>
        )}
      </Show>
    </div>
  )
}
