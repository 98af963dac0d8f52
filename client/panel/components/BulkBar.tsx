/**
 * Bulk actions on the ticked rows: resolve, mark pending (issue 20), close, assign to me or to a
 * colleague of their inbox. Each row goes through the usual endpoint; rows that fail stay ticked
 * and are named.
 */
import { createEffect, createSignal, For, Show } from 'solid-js'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import type { BulkAction } from '../list.ts'

export function BulkBar(props: { shown: string[] }) {
  const panel = usePanel()
  const [busy, setBusy] = createSignal(false)
  const [report, setReport] = createSignal<string | null>(null)
  const [target, setTarget] = createSignal('')
  const count = () => panel.state.selection.length
  const allShown = () =>
    props.shown.length > 0 && props.shown.every((id) => panel.state.selection.includes(id))
  /** The one inbox of every ticked row, or null when they span several. */
  const inbox = () => {
    const ids = new Set(
      panel.state.conversations
        .filter((c) => panel.state.selection.includes(c.id))
        .map((c) => c.inboxId),
    )
    return ids.size === 1 ? ([...ids][0] as string) : null
  }
  // The colleagues to assign to: the team of the ticked rows' inbox, loaded once.
  createEffect(() => {
    const id = inbox()
    if (id) panel.actions.loadTeam(id).catch(() => undefined)
  })
  const team = () => {
    const id = inbox()
    return (id ? panel.state.teams[id]?.operators : undefined)?.filter((op) => op.canChat) ?? []
  }
  const run = async (action: BulkAction) => {
    setBusy(true)
    setReport(null)
    setReport(await panel.actions.bulk(action))
    setBusy(false)
  }
  return (
    <div class="bulk" role="group" aria-label={t('Bulk actions')}>
      <label class="toggle">
        <input
          type="checkbox"
          checked={allShown()}
          disabled={props.shown.length === 0}
          onChange={(e) =>
            panel.actions.setSelection(e.currentTarget.checked ? [...props.shown] : [])
          }
        />
        {t('Select all shown')}
      </label>
      <Show when={count() > 0}>
        <span class="muted">{t('{n} selected', { n: count() })}</span>
        <button
          type="button"
          disabled={busy()}
          onClick={() => void run({ kind: 'status', status: 'resolved' })}
        >
          {t('Resolve')}
        </button>
        <button
          type="button"
          disabled={busy()}
          onClick={() => void run({ kind: 'status', status: 'pending' })}
        >
          {t('Mark pending')}
        </button>
        <button
          type="button"
          disabled={busy()}
          onClick={() => void run({ kind: 'status', status: 'closed' })}
        >
          {t('Close')}
        </button>
        <button
          type="button"
          disabled={busy()}
          onClick={() =>
            void run({ kind: 'assign', operatorId: panel.state.login?.operator.id ?? '' })
          }
        >
          {t('Assign to me')}
        </button>
        <span class="assign-to">
          <select
            aria-label={t('Assign to')}
            value={target()}
            disabled={!inbox()}
            onChange={(e) => setTarget(e.currentTarget.value)}
          >
            <option value="">{inbox() ? t('Assign to…') : t('Pick rows of one inbox')}</option>
            <For each={team()}>{(op) => <option value={op.id}>{op.name}</option>}</For>
          </select>
          <button
            type="button"
            disabled={busy() || !target() || !inbox()}
            onClick={() => void run({ kind: 'assign', operatorId: target() })}
          >
            {t('Assign')}
          </button>
        </span>
      </Show>
      <p class="bulk-report" role="status">
        {report()}
      </p>
    </div>
  )
}
