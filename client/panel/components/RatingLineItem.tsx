/**
 * A visitor's rating (C10) in the thread, as a system line: "Visitor rated ★★★★☆ 4/5 — “Great”",
 * "Visitor rated 👍", "Visitor rated 9/10 (NPS)", "Visitor declined to rate". A change of the
 * same resolution's rating replaces its line and says so ("changed the rating to …"): a change
 * comes after the resolution was first rated.
 */
import { Match, Show, Switch } from 'solid-js'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { clock } from '../format.ts'
import { t } from '../i18n.ts'
import type { RatingLine } from '../store.ts'

export function RatingLineItem(props: { line: RatingLine }) {
  const rating = () => props.line.data.rating
  /** 0 is a score too (thumbs down, NPS 0). */
  const score = () => rating().score ?? 0
  const changed = () => props.line.at > rating().firstRatedAt
  const said = () => {
    if (rating().score === null) {
      return changed() ? t('Visitor withdrew the rating') : t('Visitor declined to rate')
    }
    return changed() ? t('Visitor changed the rating to') : t('Visitor rated')
  }
  return (
    <li
      class="sys-line rating-line"
      data-seq={props.line.seq}
      data-resolution={rating().resolutionSeq}
      data-scale={rating().scale}
    >
      <span class="sys-text">
        {said()}
        <Show when={rating().score !== null}>
          {
            <>
              {' '}
              <Switch>
                <Match when={rating().scale === 'stars'}>
                  <span class="stars" aria-hidden="true">
                    {'★'.repeat(score()) + '☆'.repeat(Math.max(0, 5 - score()))}
                  </span>{' '}
                  <span aria-hidden="true">{score()}/5</span>
                  <span class="sr-only">{t('{n} out of 5 stars', { n: score() })}</span>
                </Match>
                <Match when={rating().scale === 'thumbs'}>
                  <span role="img" aria-label={score() ? t('thumbs up') : t('thumbs down')}>
                    {score() ? '👍' : '👎'}
                  </span>
                </Match>
                <Match when={rating().scale === 'nps'}>
                  {score()}/10 ({t('NPS')})
                </Match>
              </Switch>
            </>
          }
        </Show>
        <Show when={rating().comment}>
          {(comment) => (
            <>
              {' — “'}
              <SafeText class="rating-comment" text={comment()} />”
            </>
          )}
        </Show>
        <time dateTime={new Date(props.line.at).toISOString()}>{clock(props.line.at)}</time>
      </span>
    </li>
  )
}
