/**
 * Admin: the audit trail (issue 18, S6), newest first: who did what to what, when and from
 * where. Filters by action, operator and dates (the viewer's days); "Show more" pages on;
 * "Export CSV" downloads what the filters select (the server records the export). Read-only:
 * nothing here changes an entry.
 */
import { createSignal, For, onMount, Show } from 'solid-js'
import { asParleyError } from '../../shared/index.ts'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { auditApi, saveFile, type AuditEntry, type AuditFilter } from '../audit-api.ts'
import { usePanel } from '../context.ts'
import { locale, msg, t, tn, tx } from '../i18n.ts'
import '../audit.css'

/** What each recorded action means, in a sentence's verb phrase. */
const ACTIONS: Record<string, string> = {
  'auth.login': msg('Signed in'),
  'auth.login_failed': msg('Sign-in failed'),
  'auth.password_changed': msg('Changed their password'),
  'auth.signed_out_everywhere': msg('Signed out everywhere'),
  'auth.password_reset': msg('Reset their password by e-mail'),
  'operator.created': msg('Added an operator'),
  'operator.updated': msg('Changed an operator'),
  'inbox.created': msg('Created an inbox'),
  'inbox.updated': msg('Changed an inbox'),
  'inbox.members_changed': msg("Changed an inbox's members"),
  'inbox.identity_secret_revealed': msg('Revealed an identity secret'),
  'inbox.identity_secret_rotated': msg('Made a new identity secret'),
  'inbox.visitor_sessions_revoked': msg("Signed out an inbox's visitors"),
  'visitor.sessions_revoked': msg('Signed out a visitor'),
  'conversation.assigned': msg('Assigned a conversation'),
  'conversation.released': msg('Released a conversation'),
  'conversation.transferred': msg('Transferred a conversation'),
  'conversation.viewed_invisibly': msg('Watched a conversation unseen'),
  'message.edited': msg('Edited a message'),
  'message.deleted': msg('Deleted a message'),
  'audit.exported': msg('Exported the audit log'),
  'visitor.exported': msg("Exported a visitor's data"),
  'visitor.erased': msg("Erased a visitor's data"),
  'webhook.created': msg('Added a webhook endpoint'),
  'webhook.updated': msg('Changed a webhook endpoint'),
  'webhook.deleted': msg('Deleted a webhook endpoint'),
  'webhook.secret_rotated': msg("Rotated a webhook's secret"),
  'webhook.redelivered': msg('Sent a webhook event again'),
  'api_token.created': msg('Created an API token'),
  'api_token.revoked': msg('Revoked an API token'),
  'label.created': msg('Added a label'),
  'label.updated': msg('Changed a label'),
  'label.deleted': msg('Deleted a label'),
  'macro.created': msg('Added a macro'),
  'macro.updated': msg('Changed a macro'),
  'macro.deleted': msg('Deleted a macro'),
  'rule.created': msg('Added an automation rule'),
  'rule.updated': msg('Changed an automation rule'),
  'rule.deleted': msg('Deleted an automation rule'),
  'rule.reordered': msg('Reordered automation rules'),
}

/** What kind of thing an entry acted on, as the table names it. */
function kindOf(kind: string): string {
  if (kind === 'operator') return t('Operator')
  if (kind === 'inbox') return tx('filter', 'Inbox')
  if (kind === 'visitor') return t('Visitor')
  if (kind === 'conversation') return t('Conversation')
  if (kind === 'message') return t('Message')
  if (kind === 'webhook') return t('Webhook')
  if (kind === 'api_token') return t('API token')
  if (kind === 'label') return t('Label')
  if (kind === 'macro') return t('Macro')
  if (kind === 'rule') return t('Automation rule')
  return kind
}

/** Details as one line of JSON, cut short: the CSV has them whole. */
const MAX_DETAILS = 240

/** The start (or, with `end`, the last millisecond) of a yyyy-mm-dd day in the viewer's zone. */
function dayBound(value: string, end: boolean): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!match) return null
  const day = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]))
  return end ? day.getTime() + 86_400_000 - 1 : day.getTime()
}

export function AuditLog() {
  const panel = usePanel()
  const api = auditApi(panel.http)
  const [entries, setEntries] = createSignal<AuditEntry[]>([])
  const [next, setNext] = createSignal<string | null>(null)
  const [loading, setLoading] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)
  const [status, setStatus] = createSignal('')
  const [action, setAction] = createSignal('')
  const [actor, setActor] = createSignal('')
  const [from, setFrom] = createSignal('')
  const [to, setTo] = createSignal('')
  let applied: AuditFilter = { action: '', actor: '', from: null, to: null }

  const operatorName = (id: string | null) =>
    panel.state.operators.find((o) => o.id === id)?.name ?? null
  const inboxName = (id: string | null) =>
    panel.state.inboxes.find((i) => i.id === id)?.name ?? null

  async function load(more: boolean) {
    setLoading(true)
    setError(null)
    try {
      const page = await api.page(applied, more ? next() : null)
      setEntries((list) => (more ? [...list, ...page.entries] : page.entries))
      setNext(page.next)
      setStatus(
        more ? tn(page.entries.length, '{n} more entry', '{n} more entries') : t('Entries updated'),
      )
    } catch (e) {
      setError(asParleyError(e).message)
    } finally {
      setLoading(false)
    }
  }

  const filter = (): AuditFilter => ({
    action: action(),
    actor: actor(),
    from: dayBound(from(), false),
    to: dayBound(to(), true),
  })

  async function exportCsv() {
    setError(null)
    try {
      saveFile(await api.csv(filter()), `parley-audit-${new Date().toISOString().slice(0, 10)}.csv`)
      setStatus(t('The CSV file is downloading'))
    } catch (e) {
      setError(asParleyError(e).message)
    }
  }

  onMount(() => void load(false))

  const time = (at: number) =>
    new Date(at).toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'medium' })
  const who = (e: AuditEntry) =>
    e.actorKind === 'system'
      ? t('Parley')
      : e.actorKind === 'anonymous'
        ? t('Nobody signed in')
        : (operatorName(e.actorId) ?? e.actorId ?? '')
  const target = (e: AuditEntry) => {
    if (!e.targetKind) return ''
    const name =
      e.targetKind === 'operator'
        ? operatorName(e.targetId)
        : e.targetKind === 'inbox'
          ? inboxName(e.targetId)
          : null
    return `${kindOf(e.targetKind)}: ${name ?? e.targetId ?? ''}`
  }
  const details = (e: AuditEntry) => {
    if (!e.details) return ''
    const text = JSON.stringify(e.details)
    return text.length > MAX_DETAILS ? `${text.slice(0, MAX_DETAILS)}…` : text
  }

  return (
    <main class="admin audit" aria-labelledby="audit-title">
      <h2 id="audit-title">{t('Audit log')}</h2>
      <form
        class="card audit-filters"
        aria-label={t('Filters')}
        onSubmit={(e) => {
          e.preventDefault()
          applied = filter()
          void load(false)
        }}
      >
        <label>
          {t('Action')}
          <select value={action()} onChange={(e) => setAction(e.currentTarget.value)}>
            <option value="">{t('Any action')}</option>
            <For each={Object.entries(ACTIONS)}>
              {([value, label]) => <option value={value}>{t(label)}</option>}
            </For>
          </select>
        </label>
        <label>
          {t('Who')}
          <select value={actor()} onChange={(e) => setActor(e.currentTarget.value)}>
            <option value="">{t('Any operator')}</option>
            <For each={panel.state.operators}>
              {(op) => <option value={op.id}>{op.name}</option>}
            </For>
          </select>
        </label>
        <label>
          {t('From')}
          <input type="date" value={from()} onInput={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <label>
          {t('To')}
          <input type="date" value={to()} onInput={(e) => setTo(e.currentTarget.value)} />
        </label>
        <div class="audit-buttons">
          <button type="submit" disabled={loading()}>
            {t('Show')}
          </button>
          <button type="button" class="secondary" onClick={() => void exportCsv()}>
            {t('Export CSV')}
          </button>
        </div>
      </form>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
      <p class="sr-only" role="status">
        {status()}
      </p>
      <Show
        when={entries().length > 0}
        fallback={<p class="muted">{loading() ? t('Loading…') : t('No entries.')}</p>}
      >
        <table class="table cards audit-table">
          <thead>
            <tr>
              <th>{t('Time')}</th>
              <th>{t('Who')}</th>
              <th>{t('Action')}</th>
              <th>{t('Target')}</th>
              <th>{t('Address')}</th>
              <th>{t('Details')}</th>
            </tr>
          </thead>
          <tbody>
            <For each={entries()}>
              {(e) => (
                <tr data-action={e.action}>
                  <td data-label={t('Time')}>
                    <time datetime={new Date(e.at).toISOString()}>{time(e.at)}</time>
                  </td>
                  <td data-label={t('Who')}>
                    <SafeText text={who(e)} />
                  </td>
                  <td data-label={t('Action')}>
                    {ACTIONS[e.action] ? t(ACTIONS[e.action]!) : <code>{e.action}</code>}
                  </td>
                  <td data-label={t('Target')}>
                    <SafeText text={target(e)} />
                  </td>
                  <td data-label={t('Address')}>{e.address ?? ''}</td>
                  <td data-label={t('Details')}>
                    <code class="audit-details">{details(e)}</code>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
        <Show when={next()}>
          <button
            type="button"
            class="secondary"
            disabled={loading()}
            onClick={() => void load(true)}
          >
            {t('Show more')}
          </button>
        </Show>
      </Show>
    </main>
  )
}
