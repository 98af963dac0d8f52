/**
 * When visitors must prove themselves first (S4), in an inbox's settings: never, when their
 * behaviour looks like abuse (the thresholds), or also before every new conversation. The
 * challenge is a proof of work the visitor's browser solves by itself in a moment: no picture
 * puzzle, no third party.
 */
import { createUniqueId, For } from 'solid-js'
import type { SetStoreFunction } from 'solid-js/store'
import type { InboxSettings } from '../../shared/index.ts'
import { names } from '../form-errors.ts'
import { msg, t } from '../i18n.ts'

export type CaptchaDraft = InboxSettings['captcha']

const MODES: ReadonlyArray<{ value: CaptchaDraft['mode']; label: string }> = [
  { value: 'auto', label: msg('When behaviour looks like abuse') },
  { value: 'always', label: msg('Also before every new conversation') },
  { value: 'off', label: msg('Never') },
]

const LIMITS: ReadonlyArray<{ key: Exclude<keyof CaptchaDraft, 'mode'>; label: string }> = [
  { key: 'sessionsPer10Min', label: msg('New visitors from one address in 10 minutes') },
  { key: 'conversationsPer10Min', label: msg('New conversations from one address in 10 minutes') },
  { key: 'messagesPerMinute', label: msg("A visitor's messages in a minute") },
]

export function CaptchaEditor(props: {
  draft: CaptchaDraft
  setDraft: SetStoreFunction<CaptchaDraft>
  error: string | null
  errorId: string
}) {
  const hintId = createUniqueId()
  const bad = (key: string) =>
    names(props.error, `settings.captcha.${key}`) ||
    names(props.error, `body.settings.captcha.${key}`) ||
    undefined
  return (
    <fieldset class="prechat captcha">
      <legend>{t('Visitor checks (CAPTCHA)')}</legend>
      <p id={hintId} class="muted">
        {t(
          "A visitor asked to prove themselves waits while their browser solves a small puzzle, a few seconds at most; no one types anything. Past a limit below the check gets harder as the count doubles. Addresses are the visitor's as the proxy names them.",
        )}
      </p>
      <label>
        {t('Ask for a check')}
        <select
          value={props.draft.mode}
          onChange={(e) => props.setDraft('mode', e.currentTarget.value as CaptchaDraft['mode'])}
          aria-describedby={hintId}
        >
          <For each={MODES}>{(m) => <option value={m.value}>{t(m.label)}</option>}</For>
        </select>
      </label>
      <For each={LIMITS}>
        {(l) => (
          <label>
            {t(l.label)}
            <input
              type="number"
              min={1}
              required
              disabled={props.draft.mode === 'off'}
              value={props.draft[l.key]}
              onInput={(e) => props.setDraft(l.key, e.currentTarget.valueAsNumber)}
              aria-invalid={bad(l.key)}
              aria-describedby={bad(l.key) ? props.errorId : undefined}
            />
          </label>
        )}
      </For>
    </fieldset>
  )
}
