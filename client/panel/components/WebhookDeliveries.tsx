/**
 * A webhook's delivery log, newest first: when, which event (its id, the same on every attempt:
 * receivers dedupe by it), how it went (status, attempts, the receiver's HTTP status and time,
 * its answer or the error) and when a pending one is tried next. Filters by status, loads older
 * pages, and sends a finished event again. While an attempt is due soon it looks again every
 * few seconds, so a test event is seen arriving.
 */
import { createEffect, createSignal, For, on, onCleanup, Show, type JSX } from 'solid-js'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { describe } from '../chat.ts'
import { msg, t } from '../i18n.ts'
import { DELIVERY_STATUS, moment } from '../webhook-labels.ts'
import {
  DELIVERY_PAGE,
  type WebhookDelivery,
  type WebhookDeliveryStatus,
  type WebhooksApi,
} from '../webhooks-api.ts'

/** How often a log with an attempt due soon looks again, and how soon counts. */
const POLL_MS = 2000
const SOON_MS = 30_000
/** The receiver's answer or the error, cut to this (the API keeps 500 characters). */
const MAX_SNIPPET = 200

/** The table's columns: a msg() key and the cell. */
const COLUMNS: ReadonlyArray<[string, (d: WebhookDelivery) => JSX.Element]> = [
  [msg('Time'), (d) => moment(d.createdAt)],
  // A rule's post (a `rule.triggered` event) is named as the conversation's history names it.
  [msg('Event'), (d) => (d.type === 'rule.triggered' ? t('Automation rule') : d.type)],
  [msg('Event id'), (d) => d.eventId],
  [
    msg('Status'),
    (d) => (
      // Pending and cancelled look like a closed conversation; failed is red (webhooks.css).
      <span
        class="pill"
        data-status={d.status === 'pending' || d.status === 'cancelled' ? 'closed' : d.status}
      >
        {t(DELIVERY_STATUS[d.status])}
      </span>
    ),
  ],
  [msg('Attempts'), (d) => d.attempts],
  [msg('HTTP status'), (d) => d.responseStatus ?? '—'],
  [msg('Time taken, ms'), (d) => d.responseMs ?? '—'],
  [
    msg('Response or error'),
    (d) => (
      <code classList={{ snippet: true, error: d.error !== null }}>
        <SafeText
          text={[d.error, d.responseSnippet?.slice(0, MAX_SNIPPET)].filter(Boolean).join(': ')}
        />
      </code>
    ),
  ],
  [
    msg('Next attempt'),
    (d) => (d.status === 'pending' && d.nextAttemptAt ? moment(d.nextAttemptAt) : '—'),
  ],
]

export function WebhookDeliveries(props: {
  api: WebhooksApi
  endpointId: string
  /** The log's element id (the toggle that shows it controls it). */
  id: string
  /** Bumped by the owner after it queued an event (a test): the log loads again. */
  refresh: number
  /** The log looked again: the owner reloads the webhooks' counts. */
  onChange: () => void
}) {
  const [rows, setRows] = createSignal<WebhookDelivery[] | null>(null)
  const [next, setNext] = createSignal<string | null>(null)
  const [filter, setFilter] = createSignal<WebhookDeliveryStatus | ''>('')
  const [error, setError] = createSignal<string | null>(null)
  let timer: ReturnType<typeof setTimeout> | undefined
  /** Answers to an older request (another filter) are dropped. */
  let asked = 0
  let section!: HTMLElement
  onCleanup(() => clearTimeout(timer))

  /** The newest page, or (`older`) the page after the last row. */
  async function load(older = false) {
    clearTimeout(timer)
    const ask = ++asked
    try {
      const page = await props.api.deliveries(props.endpointId, filter(), older ? next() : null)
      if (ask !== asked) return
      setError(null)
      setRows((list) => (older ? [...(list ?? []), ...page.deliveries] : page.deliveries))
      setNext(page.next)
    } catch (e) {
      if (ask === asked) setError(describe(e))
    }
    // Looks again while an attempt is due soon (unless older pages are open: they would go).
    const list = rows() ?? []
    const soon = list.some(
      (d) => d.status === 'pending' && (d.nextAttemptAt ?? 0) < Date.now() + SOON_MS,
    )
    if (ask === asked && soon && list.length <= DELIVERY_PAGE)
      timer = setTimeout(() => {
        props.onChange()
        void load()
      }, POLL_MS)
  }

  createEffect(on([() => props.refresh, filter], () => void load()))

  async function redeliver(d: WebhookDelivery) {
    try {
      const { delivery } = await props.api.redeliver(props.endpointId, d.eventId)
      setRows((list) => list?.map((x) => (x.eventId === d.eventId ? delivery : x)) ?? null)
      // Its button went with its finished state: the focus stays in the log.
      section.focus()
      props.onChange()
      void load()
    } catch (e) {
      setError(describe(e))
    }
  }

  return (
    // Scrolls sideways on a narrow desktop; its filter is a tab stop inside.
    <section
      ref={section}
      id={props.id}
      class="deliveries"
      tabIndex={-1}
      aria-label={t('Delivery log')}
    >
      <div>
        <label class="inline">
          {t('Show')}
          <select
            value={filter()}
            onChange={(e) => setFilter(e.currentTarget.value as WebhookDeliveryStatus | '')}
          >
            <option value="">{t('All deliveries')}</option>
            <For each={Object.entries(DELIVERY_STATUS)}>
              {([value, label]) => <option value={value}>{t(label)}</option>}
            </For>
          </select>
        </label>
      </div>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
      <Show
        when={rows()?.length}
        fallback={<p class="muted">{rows() ? t('No deliveries yet.') : t('Loading…')}</p>}
      >
        <table class="table cards">
          <thead>
            <tr>
              <For each={COLUMNS}>{([label]) => <th>{t(label)}</th>}</For>
              <th>
                <span class="sr-only">{t('Actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            <For each={rows()}>
              {(d) => (
                <tr>
                  <For each={COLUMNS}>
                    {([label, cell]) => <td data-label={t(label)}>{cell(d)}</td>}
                  </For>
                  <td>
                    <Show when={d.status !== 'pending'}>
                      <button
                        type="button"
                        class="secondary small"
                        onClick={() => void redeliver(d)}
                      >
                        {t('Redeliver')}
                      </button>
                    </Show>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
        <Show when={next()}>
          <div>
            <button type="button" class="secondary" onClick={() => void load(true)}>
              {t('Load older')}
            </button>
          </div>
        </Show>
      </Show>
    </section>
  )
}
