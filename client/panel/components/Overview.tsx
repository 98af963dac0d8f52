/**
 * The supervisors' live overview (O5; a lazy page for supervisors and admins): per inbox in
 * their scope, each branch's queue (waiting, the oldest wait, unanswered) and every operator with
 * status, presence and load; an operator's open conversations on demand, each opening the
 * conversation (invisibly, as any other not assigned to me). Read again every 10 s while the
 * page is visible, and soon after the badges change (the feed), never per event.
 */
import { createEffect, createSignal, For, on, onCleanup, onMount, Show } from 'solid-js'
import { createStore, reconcile } from 'solid-js/store'
import type { InboxItem } from '../../../protocol/index.ts'
import { asParleyError } from '../../shared/index.ts'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import type { Overview as OverviewData } from '../api.ts'
import { usePanel } from '../context.ts'
import { locale, msg, t, tn } from '../i18n.ts'
import { Avatar } from './Avatar.tsx'
import '../overview.css'

/** How often the page reads the overview again while visible. */
const REFRESH_MS = 10_000
/** A feed change reads it again, at most this often. */
const FEED_GAP_MS = 2_000

type InboxData = OverviewData['inboxes'][number]
type Member = InboxData['operators'][number]

/** An operator's status as people read it (the API value stays as it is). */
const STATUS_LABELS: Record<Member['status'], string> = {
  online: msg('online'),
  away: msg('away'),
  busy: msg('busy'),
}

/** "under a minute", "5 min", "2 h 05 min". */
export function waitText(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000)
  if (minutes < 1) return t('under a minute')
  if (minutes < 60) return t('{n} min', { n: minutes })
  return t('{h} h {m} min', {
    h: Math.floor(minutes / 60),
    m: String(minutes % 60).padStart(2, '0'),
  })
}

export function Overview() {
  const panel = usePanel()
  // Reconciled by id: rows stay put across refreshes (an open list, the focus).
  const [store, setStore] = createStore<{ data: OverviewData | null }>({ data: null })
  const data = () => store.data
  const [error, setError] = createSignal<string | null>(null)
  let last = 0
  let pending: ReturnType<typeof setTimeout> | undefined
  let loading = false

  async function refresh() {
    clearTimeout(pending)
    pending = undefined
    if (loading) return
    loading = true
    last = Date.now()
    try {
      setStore('data', reconcile(await panel.supervise.overview(), { key: 'id' }))
      setError(null)
    } catch (e) {
      setError(asParleyError(e).message)
    } finally {
      loading = false
    }
  }
  /** Soon, but not more often than FEED_GAP_MS. */
  function soon() {
    if (pending !== undefined) return
    pending = setTimeout(() => void refresh(), Math.max(0, last + FEED_GAP_MS - Date.now()))
  }
  const onVisible = () => {
    if (document.visibilityState === 'visible') void refresh()
  }
  onMount(() => {
    void refresh()
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void refresh()
    }, REFRESH_MS)
    document.addEventListener('visibilitychange', onVisible)
    onCleanup(() => {
      clearInterval(timer)
      clearTimeout(pending)
      document.removeEventListener('visibilitychange', onVisible)
    })
  })
  createEffect(
    on(() => [panel.state.badges.unread, panel.state.badges.unanswered, panel.state.status], soon, {
      defer: true,
    }),
  )

  return (
    <main class="admin overview" aria-labelledby="overview-title">
      <div class="overview-head">
        <h2 id="overview-title">{t('Overview')}</h2>
        <Show when={data()}>
          {(d) => (
            <p class="muted" data-testid="overview-updated">
              {t('Updated {time}', { time: new Date(d().at).toLocaleTimeString(locale()) })}
            </p>
          )}
        </Show>
        <button type="button" class="secondary" onClick={() => void refresh()}>
          {t('Refresh')}
        </button>
      </div>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
      <Show when={data()?.inboxes.length === 0}>
        <p class="muted">{t('No inboxes to show.')}</p>
      </Show>
      <For each={data()?.inboxes}>
        {(inbox) => <InboxOverview inbox={inbox} at={data()?.at ?? Date.now()} />}
      </For>
      <Show when={data()?.truncated}>
        <p class="muted">{t('Only the first inboxes are shown.')}</p>
      </Show>
    </main>
  )
}

function InboxOverview(props: { inbox: InboxData; at: number }) {
  const titleId = () => `overview-inbox-${props.inbox.id}`
  return (
    <section class="overview-inbox" aria-labelledby={titleId()} data-inbox={props.inbox.id}>
      <h3 id={titleId()}>
        <SafeText text={props.inbox.name} />
      </h3>
      <h4>{t('Queue')}</h4>
      <ul class="overview-branches">
        <For each={props.inbox.branches}>
          {(b) => (
            <li class="overview-card" data-branch={b.id}>
              <strong>
                <SafeText text={b.name} />
              </strong>
              <Show when={!b.withinHours}>
                <span class="muted"> {t('(closed now)')}</span>
              </Show>
              <dl>
                <dt>{t('Waiting')}</dt>
                <dd data-testid="waiting">{b.waiting}</dd>
                <dt>{t('Longest wait')}</dt>
                <dd>{b.oldestWaitingAt === null ? '–' : waitText(props.at - b.oldestWaitingAt)}</dd>
                <dt>{t('Unanswered')}</dt>
                <dd data-testid="unanswered">{b.unanswered}</dd>
              </dl>
            </li>
          )}
        </For>
      </ul>
      <h4>{t('Operators')}</h4>
      <Show
        when={props.inbox.operators.length > 0}
        fallback={<p class="muted">{t('Nobody yet.')}</p>}
      >
        <ul class="overview-operators">
          <For each={props.inbox.operators}>
            {(op) => (
              <OperatorLine op={op} inboxId={props.inbox.id} capacity={props.inbox.capacity} />
            )}
          </For>
        </ul>
      </Show>
    </section>
  )
}

function OperatorLine(props: { op: Member; inboxId: string; capacity: number | null }) {
  const panel = usePanel()
  const [open, setOpen] = createSignal(false)
  const [items, setItems] = createSignal<InboxItem[] | null>(null)
  const [failed, setFailed] = createSignal<string | null>(null)
  const listId = () => `overview-convs-${props.inboxId}-${props.op.id}`
  const name = () => props.op.displayName ?? props.op.name
  async function toggle() {
    const next = !open()
    setOpen(next)
    if (!next) return
    setFailed(null)
    try {
      setItems((await panel.supervise.assignedTo(props.inboxId, props.op.id)).items)
    } catch (e) {
      setFailed(asParleyError(e).message)
    }
  }
  const show = (id: string) => {
    panel.actions.showPage('inbox')
    void panel.actions.openConversation(id)
  }
  return (
    <li class="overview-card overview-operator" data-operator={props.op.id}>
      <div class="overview-who">
        <Avatar name={props.op.name} colorKey={props.op.id} avatarId={props.op.avatarId} />
        <span class="overview-name">
          <SafeText text={name()} />
        </span>
        <span class="pill overview-status" data-op-status={props.op.status}>
          {t(STATUS_LABELS[props.op.status])}
        </span>
        <span class="muted" data-testid="presence">
          {props.op.present ? t('connected') : t('not connected')}
        </span>
      </div>
      <p class="overview-load" data-testid="load">
        {props.capacity === null
          ? tn(props.op.open, '{n} open', '{n} open')
          : tn(props.op.open, '{n} open of {max}', '{n} open of {max}', { max: props.capacity })}
        <Show when={!props.op.canChat}> · {t('cannot chat')}</Show>
      </p>
      <Show when={props.op.open > 0}>
        <button
          type="button"
          class="link-button"
          aria-expanded={open()}
          aria-controls={listId()}
          onClick={() => void toggle()}
        >
          {open() ? t('Hide open conversations') : t('Show open conversations')}
          <span class="sr-only"> {t('of {name}', { name: name() })}</span>
        </button>
      </Show>
      <Show when={open()}>
        <div id={listId()}>
          <Show when={failed()}>
            <p class="error" role="alert">
              {failed()}
            </p>
          </Show>
          <Show when={items()} fallback={<p class="muted">{t('Loading…')}</p>}>
            {(list) => (
              <ul class="overview-convs">
                <For each={list()} fallback={<li class="muted">{t('None now.')}</li>}>
                  {(c) => (
                    <li>
                      <button type="button" class="link-button" onClick={() => show(c.id)}>
                        <SafeText text={c.visitor.label} />
                      </button>
                      <Show when={c.hasUnansweredIncoming}>
                        <span class="muted"> · {t('waiting for a reply')}</span>
                      </Show>
                    </li>
                  )}
                </For>
              </ul>
            )}
          </Show>
        </div>
      </Show>
    </li>
  )
}
