/**
 * The list's views as tabs (Mine, Unassigned, All, with their counts; arrow keys move between
 * them) and its filters (status, inbox, assignee, label, priority and a conversation attribute
 * of the inbox filtered by, or of the only inbox) and order (last
 * activity, waiting longest, priority); snoozed ones only, or (by default) none of them, and
 * those the operator follows only (issue 20). Every change reads the list and the counts again.
 */
import { createEffect, For, lazy, Show } from 'solid-js'
import type { ListQuery } from '../api.ts'
import { usePanel } from '../context.ts'
import { msg, t, tx } from '../i18n.ts'
import { PRIORITIES, PRIORITY_NAMES } from '../labels.ts'

/** Its own chunk, with the attributes' definitions (issue 20): the first load stays small. */
const AttributeFilter = lazy(() =>
  import('../attributes/index.ts').then((m) => ({ default: m.AttributeFilter })),
)

/** Labels: msg() keys, translated where shown. */
const VIEWS: Array<{ view: ListQuery['view']; label: string }> = [
  { view: 'mine', label: msg('Mine') },
  { view: 'unassigned', label: msg('Unassigned') },
  { view: 'all', label: msg('All') },
]

export function ListFilters() {
  const panel = usePanel()
  const q = () => panel.state.list
  const set = (patch: Partial<ListQuery>) => panel.actions.setList(patch)
  const tabs: HTMLButtonElement[] = []
  // Colleagues and labels to filter by: the teams and labels of the operator's inboxes (each
  // loaded once).
  createEffect(() => {
    for (const inbox of panel.state.myInboxes) {
      panel.actions.loadTeam(inbox.id).catch(() => undefined)
      void panel.actions.labelsFor(inbox.id)
    }
  })
  /** The labels of the inbox filtered by, else of every inbox (named with it when several). */
  const labels = () => {
    const inboxes = panel.state.myInboxes.filter((i) => !q().inbox || i.id === q().inbox)
    return inboxes.flatMap((inbox) =>
      (panel.state.labels[inbox.id] ?? []).map((l) => ({
        id: l.id,
        name: inboxes.length > 1 ? `${l.name} (${inbox.name})` : l.name,
      })),
    )
  }
  const setInbox = (inbox: string) => {
    // A label of another inbox would leave the list empty.
    const keep = !q().label || panel.state.labels[inbox]?.some((l) => l.id === q().label)
    // Attributes are the inbox's own: another inbox's filter starts afresh.
    set({ inbox, attribute: '', ...(keep || !inbox ? {} : { label: '' }) })
  }
  /** The inbox whose conversation attributes the list filters by: the one chosen, or the only one. */
  const attrInbox = () =>
    q().inbox || (panel.state.myInboxes.length === 1 ? (panel.state.myInboxes[0]?.id ?? '') : '')
  const colleagues = () => {
    const seen = new Map<string, string>()
    for (const inbox of panel.state.myInboxes) {
      for (const op of panel.state.teams[inbox.id]?.operators ?? []) seen.set(op.id, op.name)
    }
    seen.delete(panel.state.login?.operator.id ?? '')
    return [...seen].sort((a, b) => a[1].localeCompare(b[1]))
  }
  const onKey = (e: KeyboardEvent, index: number) => {
    const last = VIEWS.length - 1
    const to =
      e.key === 'ArrowRight'
        ? index === last
          ? 0
          : index + 1
        : e.key === 'ArrowLeft'
          ? index === 0
            ? last
            : index - 1
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? last
              : null
    if (to === null) return
    e.preventDefault()
    set({ view: (VIEWS[to] as (typeof VIEWS)[number]).view })
    tabs[to]?.focus()
  }
  return (
    <>
      <div class="list-tabs" role="tablist" aria-label={t('Views')}>
        <For each={VIEWS}>
          {(tab, i) => (
            <button
              ref={(el) => (tabs[i()] = el)}
              type="button"
              role="tab"
              id={`list-tab-${tab.view}`}
              aria-selected={q().view === tab.view}
              aria-controls="list-panel"
              tabIndex={q().view === tab.view ? 0 : -1}
              onClick={() => set({ view: tab.view })}
              onKeyDown={(e) => onKey(e, i())}
            >
              {t(tab.label)}
              <Show when={panel.state.counts}>
                {(counts) => <span class="count">{counts()[tab.view]}</span>}
              </Show>
            </button>
          )}
        </For>
      </div>
      <div class="list-filters">
        <select
          aria-label={t('Status')}
          value={q().status}
          onChange={(e) => set({ status: e.currentTarget.value as ListQuery['status'] })}
        >
          <option value="">{t('Any status')}</option>
          <option value="open">{tx('status', 'Open')}</option>
          <option value="pending">{tx('status', 'Pending')}</option>
          <option value="resolved">{tx('status', 'Resolved')}</option>
          <option value="closed">{tx('status', 'Closed')}</option>
        </select>
        <Show when={panel.state.myInboxes.length > 1}>
          <select
            aria-label={tx('filter', 'Inbox')}
            value={q().inbox}
            onChange={(e) => setInbox(e.currentTarget.value)}
          >
            <option value="">{t('All inboxes')}</option>
            <For each={panel.state.myInboxes}>
              {(inbox) => <option value={inbox.id}>{inbox.name}</option>}
            </For>
          </select>
        </Show>
        <select
          aria-label={t('Assignee')}
          value={q().assignee}
          onChange={(e) => set({ assignee: e.currentTarget.value })}
        >
          <option value="">{t('Anyone')}</option>
          <option value={panel.state.login?.operator.id ?? ''}>{t('Me')}</option>
          <For each={colleagues()}>{([id, name]) => <option value={id}>{name}</option>}</For>
        </select>
        <Show when={labels().length > 0 || q().label}>
          <select
            aria-label={t('Label')}
            value={q().label}
            onChange={(e) => set({ label: e.currentTarget.value })}
          >
            <option value="">{t('Any label')}</option>
            <For each={labels()}>{(l) => <option value={l.id}>{l.name}</option>}</For>
          </select>
        </Show>
        <Show when={attrInbox()} keyed>
          {(inboxId) => <AttributeFilter inboxId={inboxId} />}
        </Show>
        <select
          aria-label={t('Priority')}
          value={q().priority}
          onChange={(e) => set({ priority: e.currentTarget.value as ListQuery['priority'] })}
        >
          <option value="">{t('Any priority')}</option>
          <For each={PRIORITIES}>{(p) => <option value={p}>{t(PRIORITY_NAMES[p])}</option>}</For>
        </select>
        <select
          aria-label={t('Sort by')}
          value={q().sort}
          onChange={(e) => set({ sort: e.currentTarget.value as ListQuery['sort'] })}
        >
          <option value="activity">{t('Last activity')}</option>
          <option value="waiting">{t('Waiting longest')}</option>
          <option value="priority">{t('Most urgent')}</option>
        </select>
        <label class="toggle">
          <input
            type="checkbox"
            checked={q().unanswered}
            onChange={(e) => set({ unanswered: e.currentTarget.checked })}
          />
          {t('Unanswered only')}
          <Show when={panel.state.counts}>
            {(counts) => <span class="count">{counts().unanswered}</span>}
          </Show>
        </label>
        <label class="toggle">
          <input
            type="checkbox"
            checked={q().snoozed}
            onChange={(e) => set({ snoozed: e.currentTarget.checked })}
          />
          {t('Snoozed only')}
        </label>
        <label class="toggle">
          <input
            type="checkbox"
            checked={q().following}
            onChange={(e) => set({ following: e.currentTarget.checked })}
          />
          {tx('filter', 'Following')}
        </label>
      </div>
    </>
  )
}
