/**
 * The rating card (C10) under a resolved or closed conversation: the inbox's scale (stars 1-5,
 * thumbs up or down, or 0-10 "would you recommend us") as native radio buttons (one tab stop,
 * arrow keys move the choice), an optional comment, Send, and "No thanks", which declines
 * (stored too, so the visitor is never asked again). Once rated: thanks with the chosen value,
 * and "Change" while the server still takes changes (7 days after the first rating).
 */
import { createEffect, createSignal, For, on, Show } from 'solid-js'
import { asParleyError } from '../../shared/index.ts'
import { MAX_RATING_COMMENT, RATING_CHANGE_MS } from '../../../protocol/limits.ts'
import { useWidget } from '../context.ts'
import { failureText } from '../i18n.ts'
import type { Rating } from '../store.ts'

export type Scale = Rating['scale']

const STAR = 'M12 3l2.8 5.6 6.2.9-4.5 4.4 1 6.1-5.5-2.9L6.5 20l1-6.1L3 9.5l6.2-.9z'
const THUMB =
  'M7 10v10H4V10zm0 0l4-7c1.4 0 2.4 1.2 2 2.6L12.5 9H19a2 2 0 0 1 2 2.3l-1.3 7A2 2 0 0 1 17.7 20H7'
const en = {
  stars: 'How would you rate our help?',
  thumbs: 'Did we help you?',
  nps: 'How likely are you to recommend us? (0–10)',
  of: (n: number, max: number) => `${n} of ${max}`,
  up: 'Helpful',
  down: 'Not helpful',
  comment: 'Comment (optional)',
  noThanks: 'No thanks',
  thanks: 'Thanks for your feedback:',
  change: 'Change',
}
const ru: typeof en = {
  stars: 'Как вы оцените нашу помощь?',
  thumbs: 'Мы смогли вам помочь?',
  nps: 'Насколько вероятно, что вы порекомендуете нас? (0–10)',
  of: (n: number, max: number) => `${n} из ${max}`,
  up: 'Помогли',
  down: 'Не помогли',
  comment: 'Комментарий (необязательно)',
  noThanks: 'Нет, спасибо',
  thanks: 'Спасибо за отзыв:',
  change: 'Изменить',
}

const SCORES: Record<Scale, number[]> = {
  stars: [1, 2, 3, 4, 5],
  thumbs: [1, 0],
  nps: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
}

export default function RatingCard(props: {
  scale: Scale
  given: Rating | null
  /** Shown or changed in size: the thread may scroll to it. */
  onShow?(): void
}) {
  const w = useWidget()
  const t = w.state.lang === 'ru' ? ru : en
  const [changing, setChanging] = createSignal(false)
  const [score, setScore] = createSignal<number | null>(null)
  const [error, setError] = createSignal('')
  let comment: HTMLTextAreaElement | undefined
  let thanks: HTMLDivElement | undefined
  const scale = () => props.given?.scale ?? props.scale
  createEffect(on([() => !props.given || changing(), error], () => props.onShow?.()))
  /** A score as words: "4 of 5", "Helpful". */
  const value = (n: number) =>
    scale() === 'thumbs' ? (n ? t.up : t.down) : t.of(n, scale() === 'nps' ? 10 : 5)
  const send = (n: number | null) => {
    setError('')
    w.actions.rate(n, n === null ? '' : (comment?.value ?? '')).then(
      () => {
        setChanging(false)
        // Thanks in place of the card; declined, the card is gone: back to the composer.
        ;(n === null ? document.querySelector<HTMLElement>('.composer textarea') : thanks)?.focus()
      },
      (e: unknown) => setError(failureText(w.t, asParleyError(e))),
    )
  }
  return (
    <Show
      when={!props.given || changing()}
      fallback={
        <div ref={thanks} class="leave details card rated" tabIndex={-1}>
          <div>
            {t.thanks} <strong>{value(props.given?.score ?? 0)}</strong>
            <Show when={Date.now() < (props.given?.firstRatedAt ?? 0) + RATING_CHANGE_MS}>
              <button
                type="button"
                class="link-button"
                onClick={() => {
                  setScore(props.given?.score ?? null)
                  setChanging(true)
                  document.querySelector<HTMLElement>('.rate :checked')?.focus()
                }}
              >
                {t.change}
              </button>
            </Show>
          </div>
        </div>
      }
    >
      <form
        class="leave details card rate"
        data-scale={scale()}
        onSubmit={(e) => {
          e.preventDefault()
          send(score())
        }}
      >
        <fieldset>
          <legend>{t[scale()]}</legend>
          <For each={SCORES[scale()]}>
            {(n) => {
              // Constants for this choice (another scale renders new ones).
              const label = value(n)
              const stars = scale() === 'stars'
              return (
                <label
                  class="icon-button choice"
                  classList={{ on: stars ? (score() ?? 0) >= n : score() === n }}
                >
                  <input
                    type="radio"
                    name="pw-score"
                    class="sr-only"
                    aria-label={label}
                    checked={score() === n}
                    onChange={() => setScore(n)}
                  />
                  {scale() === 'nps' ? (
                    n
                  ) : (
                    <svg class={n ? '' : 'down'} viewBox="0 0 24 24">
                      <path d={stars ? STAR : THUMB} />
                    </svg>
                  )}
                </label>
              )
            }}
          </For>
        </fieldset>
        <div>
          <label for="pw-comment">{t.comment}</label>
          <textarea
            ref={comment}
            id="pw-comment"
            class="input"
            rows={2}
            maxLength={MAX_RATING_COMMENT}
            value={changing() ? (props.given?.comment ?? '') : ''}
          />
        </div>
        <Show when={error()}>
          <p class="field-error" role="alert">
            {error()}
          </p>
        </Show>
        <div class="actions-row">
          <button type="submit" class="submit" disabled={score() === null}>
            {w.t.send}
          </button>
          <button
            type="button"
            class="link-button"
            onClick={() => (changing() ? setChanging(false) : send(null))}
          >
            {changing() ? w.t.cancel : t.noThanks}
          </button>
        </div>
      </form>
    </Show>
  )
}
