/**
 * Ratings in the range: per scale the spread of scores (a table whose cells draw their bars),
 * the average, the NPS for a 0-10 scale, how many of those asked answered; then the newest
 * comments, each opening its conversation.
 */
import { For, Show } from 'solid-js'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import type { AnalyticsComment, Names, RatingFigures } from '../analytics-api.ts'
import { count, dateTime, decimal, share } from '../analytics-format.ts'
import { msg, t, tn } from '../i18n.ts'

type Scale = RatingFigures['scales'][number]

const SCALE_NAMES: Record<Scale['scale'], string> = {
  stars: msg('Stars (1–5)'),
  thumbs: msg('Thumbs up or down'),
  nps: msg('Likelihood to recommend (0–10)'),
}

/** A score as its scale shows it. */
function scoreText(scale: Scale['scale'], score: number | null): string {
  if (score === null) return '–'
  if (scale === 'stars') return `${score} ★`
  if (scale === 'thumbs') return score === 1 ? t('Thumbs up') : t('Thumbs down')
  return String(score)
}

export function AnalyticsRatings(props: {
  ratings: RatingFigures
  comments: AnalyticsComment[]
  names: Names
  onOpen(conversationId: string): void
}) {
  return (
    <section class="an-ratings" aria-labelledby="an-ratings-title">
      <h3 id="an-ratings-title">{t('Ratings')}</h3>
      <p data-testid="response-rate">
        {t('Response rate: {rate} ({rated} of {asked} asked)', {
          rate: share(props.ratings.responseRate),
          rated: count(props.ratings.rated),
          asked: count(props.ratings.asked),
        })}
      </p>
      <Show
        when={props.ratings.scales.length > 0}
        fallback={<p class="muted">{t('No ratings in this period.')}</p>}
      >
        <div class="an-scales">
          <For each={props.ratings.scales}>{(s) => <ScaleTable scale={s} />}</For>
        </div>
      </Show>
      <h4>{t('Latest comments')}</h4>
      <Show
        when={props.comments.length > 0}
        fallback={<p class="muted">{t('No comments in this period.')}</p>}
      >
        <ul class="an-comments">
          <For each={props.comments}>
            {(c) => (
              <li>
                <p class="an-comment-text">
                  <SafeText text={c.comment} />
                </p>
                <p class="muted an-comment-meta">
                  <span>{scoreText(c.scale, c.score)}</span>
                  <span>{dateTime(c.at)}</span>
                  <Show when={c.operatorId && props.names.operators[c.operatorId]}>
                    {(name) => <SafeText text={name()} />}
                  </Show>
                  <button
                    type="button"
                    class="link-button"
                    onClick={() => props.onOpen(c.conversationId)}
                  >
                    {t('Open the conversation')}
                    <span class="sr-only"> ({dateTime(c.at)})</span>
                  </button>
                </p>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  )
}

function ScaleTable(props: { scale: Scale }) {
  const s = () => props.scale
  const total = () => s().distribution.reduce((a, b) => a + b, 0)
  const most = () => Math.max(1, ...s().distribution)
  // Best first: the way people read a rating's spread.
  // Stars start at 1 (index 0 of their distribution is never used).
  const rows = () =>
    s()
      .distribution.map((n, score) => ({ n, score }))
      .filter((r) => s().scale !== 'stars' || r.score > 0)
      .reverse()
  return (
    <figure class="an-scale" data-scale={s().scale}>
      <figcaption>
        <strong>{t(SCALE_NAMES[s().scale])}</strong>
        <span class="muted">
          {' · '}
          {tn(s().count, '{n} rating', '{n} ratings')}
          {' · '}
          {t('average {avg}', { avg: decimal(s().average) })}
          <Show when={s().scale === 'nps'}>
            {' · '}
            {t('NPS {nps}', { nps: s().nps === null ? '–' : Math.round(s().nps ?? 0) })}
          </Show>
        </span>
      </figcaption>
      <table class="an-bars">
        <thead class="sr-only">
          <tr>
            <th scope="col">{t('Score')}</th>
            <th scope="col">{t('Ratings')}</th>
          </tr>
        </thead>
        <tbody>
          <For each={rows()}>
            {(row) => (
              <tr>
                <th scope="row">{scoreText(s().scale, row.score)}</th>
                <td>
                  <span class="an-bar" style={{ width: `${(row.n / most()) * 100}%` }} />
                  <span class="an-bar-value">
                    {count(row.n)}
                    <span class="muted"> ({share(total() ? row.n / total() : 0)})</span>
                  </span>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </figure>
  )
}
