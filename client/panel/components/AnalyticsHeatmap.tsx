/**
 * Peak hours: a weekday × hour table (Monday first, the viewer's hours) of visitor messages or,
 * switched, conversations started. A cell's shade grows with its number, up to a shade the
 * text keeps 4.5:1 on (both themes); every cell has its number as text for screen readers.
 */
import { createMemo, createSignal, For, Index } from 'solid-js'
import { count, weekday } from '../analytics-format.ts'
import { t } from '../i18n.ts'

/** The darkest shade: --brand mixed into the surface up to this much (keeps text at AA). */
const MAX_SHADE = 55
const HOURS = Array.from({ length: 24 }, (_, h) => h)

export function AnalyticsHeatmap(props: { visitor: number[][]; conversations: number[][] }) {
  const [which, setWhich] = createSignal<'visitor' | 'conversations'>('visitor')
  const grid = () => (which() === 'visitor' ? props.visitor : props.conversations)
  const max = createMemo(() => Math.max(1, ...grid().flat()))
  const caption = () =>
    which() === 'visitor'
      ? t('Visitor messages by weekday and hour')
      : t('Conversations started by weekday and hour')
  const shade = (n: number) => (n === 0 ? 0 : Math.max(8, Math.round((n / max()) * MAX_SHADE)))
  const hour = (h: number) => String(h).padStart(2, '0')

  return (
    <section class="an-heatmap" aria-labelledby="an-heatmap-title">
      <div class="an-section-head">
        <h3 id="an-heatmap-title">{t('Peak hours')}</h3>
        <div class="an-switch" role="group" aria-label={t('Show')}>
          <button
            type="button"
            class="secondary"
            aria-pressed={which() === 'visitor'}
            onClick={() => setWhich('visitor')}
          >
            {t('Visitor messages')}
          </button>
          <button
            type="button"
            class="secondary"
            aria-pressed={which() === 'conversations'}
            onClick={() => setWhich('conversations')}
          >
            {t('Conversations started')}
          </button>
        </div>
      </div>
      {/* Scrolls sideways on a phone: focusable, so a keyboard scrolls it too. */}
      <div class="an-scroll" tabIndex={0} role="region" aria-label={caption()}>
        <table class="an-heat" data-showing={which()}>
          <caption class="sr-only">{caption()}</caption>
          <thead>
            <tr>
              <td />
              <For each={HOURS}>
                {(h) => (
                  <th scope="col">
                    <span aria-hidden="true">{h % 3 === 0 ? hour(h) : ''}</span>
                    <span class="sr-only">{`${hour(h)}:00`}</span>
                  </th>
                )}
              </For>
            </tr>
          </thead>
          <tbody>
            <Index each={grid()}>
              {(row, day) => (
                <tr>
                  <th scope="row">
                    <abbr title={weekday(day, true)}>{weekday(day)}</abbr>
                  </th>
                  <Index each={row()}>
                    {(n, h) => (
                      <td
                        style={{ '--shade': `${shade(n())}%` }}
                        title={`${weekday(day, true)} ${hour(h)}:00: ${count(n())}`}
                        data-hour={h}
                        data-day={day}
                      >
                        <span class={n() === 0 ? 'sr-only' : undefined}>{count(n())}</span>
                      </td>
                    )}
                  </Index>
                </tr>
              )}
            </Index>
          </tbody>
        </table>
      </div>
    </section>
  )
}
