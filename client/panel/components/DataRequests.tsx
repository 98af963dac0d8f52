/**
 * Admin: data-subject requests (issue 18, S8). Find a visitor by e-mail, the site's user id or
 * Parley's visitor id; each match shows its inbox, name, e-mail and first visit. "Export"
 * downloads everything held about them as one ZIP; "Erase", once confirmed, erases them and
 * the content of all their conversations for good (server/erasure.ts). Both are recorded.
 */
import { createSignal, createUniqueId, For, Show } from 'solid-js'
import { asParleyError, httpJson } from '../../shared/index.ts'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import type { VisitorMatch } from '../../../server/data-requests.ts'
import type { ErasureReport } from '../../../server/erasure.ts'
import { saveFile } from '../audit-api.ts'
import { usePanel } from '../context.ts'
import { locale, msg, t, tn, tx } from '../i18n.ts'
import { ConfirmDialog } from './ConfirmDialog.tsx'
import '../audit.css'

type By = 'email' | 'externalId' | 'id'

const BY: ReadonlyArray<{ value: By; label: string }> = [
  { value: 'email', label: msg('E-mail') },
  { value: 'externalId', label: msg("The site's user id") },
  { value: 'id', label: msg('Visitor id') },
]

export function DataRequests() {
  const panel = usePanel()
  const [by, setBy] = createSignal<By>('email')
  const [value, setValue] = createSignal('')
  const [matches, setMatches] = createSignal<VisitorMatch[] | null>(null)
  const [error, setError] = createSignal<string | null>(null)
  const [status, setStatus] = createSignal('')
  const [busy, setBusy] = createSignal(false)
  const [erasing, setErasing] = createSignal<VisitorMatch | null>(null)
  const errorId = createUniqueId()
  const nameOf = (v: VisitorMatch) => v.name ?? v.email ?? v.id
  const when = (at: number) =>
    new Date(at).toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'short' })
  const inboxName = (id: string) => panel.state.inboxes.find((i) => i.id === id)?.name ?? id

  async function find(e: SubmitEvent) {
    e.preventDefault()
    setError(null)
    setBusy(true)
    try {
      const q = new URLSearchParams({ [by()]: value().trim() })
      const found = await httpJson<{ visitors: VisitorMatch[] }>(
        panel.http.baseUrl,
        `/api/admin/visitors?${q}`,
        { token: panel.http.token() },
      )
      setMatches(found.visitors)
      setStatus(
        found.visitors.length === 0
          ? t('No visitor found.')
          : tn(found.visitors.length, '{n} visitor found', '{n} visitors found'),
      )
    } catch (err) {
      setMatches(null)
      setError(asParleyError(err).message)
    } finally {
      setBusy(false)
    }
  }

  async function exportVisitor(v: VisitorMatch) {
    setError(null)
    setStatus(t('Preparing the archive…'))
    try {
      const res = await fetch(
        `${panel.http.baseUrl}/api/admin/visitors/${encodeURIComponent(v.id)}/export`,
        { headers: { authorization: `Bearer ${panel.http.token() ?? ''}` }, cache: 'no-store' },
      )
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: { message: string } } | null
        throw new Error(body?.error?.message ?? `HTTP ${res.status}`)
      }
      saveFile(await res.blob(), `parley-visitor-${v.id}.zip`)
      setStatus(t('The archive is downloading'))
    } catch (err) {
      setStatus('')
      setError(asParleyError(err).message)
    }
  }

  /** Erases the visitor (confirmed in the dialog); the row then shows them erased. */
  async function erase(v: VisitorMatch): Promise<string | null> {
    try {
      const report = await httpJson<ErasureReport>(
        panel.http.baseUrl,
        `/api/admin/visitors/${encodeURIComponent(v.id)}/erase`,
        { method: 'POST', token: panel.http.token() },
      )
      setMatches((list) =>
        (list ?? []).map((m) =>
          m.id === v.id
            ? { ...m, name: null, email: null, externalId: null, erasedAt: report.erasedAt }
            : m,
        ),
      )
      setStatus(tn(report.conversations, 'Erased: {n} conversation', 'Erased: {n} conversations'))
      return null
    } catch (err) {
      return asParleyError(err).message
    }
  }

  return (
    <main class="admin audit" aria-labelledby="privacy-title">
      <h2 id="privacy-title">{t('Data requests')}</h2>
      <p class="muted">
        {t(
          'When a visitor asks what Parley holds about them, find them here and export it: their profile, every conversation with its messages, notes and ratings, and their files, in one ZIP file.',
        )}
      </p>
      <p class="muted">
        {t(
          'When they ask to be forgotten, erase them: their profile and the content of all their conversations go for good; the conversations stay, empty, in the figures.',
        )}
      </p>
      <form class="card audit-filters" onSubmit={(e) => void find(e)}>
        <label>
          {t('Find by')}
          <select value={by()} onChange={(e) => setBy(e.currentTarget.value as By)}>
            <For each={BY}>{(b) => <option value={b.value}>{t(b.label)}</option>}</For>
          </select>
        </label>
        <label>
          {t('Value')}
          <input
            required
            dir="auto"
            type={by() === 'email' ? 'email' : 'text'}
            value={value()}
            onInput={(e) => setValue(e.currentTarget.value)}
            aria-invalid={error() ? true : undefined}
            aria-describedby={error() ? errorId : undefined}
          />
        </label>
        <div class="audit-buttons">
          <button type="submit" disabled={busy()}>
            {t('Find')}
          </button>
        </div>
      </form>
      <Show when={error()}>
        <p id={errorId} class="error" role="alert">
          {error()}
        </p>
      </Show>
      <p class="sr-only" role="status">
        {status()}
      </p>
      <Show when={matches()}>
        {(list) => (
          <Show when={list().length > 0} fallback={<p class="muted">{t('No visitor found.')}</p>}>
            <table class="table cards audit-table">
              <thead>
                <tr>
                  <th>{tx('filter', 'Inbox')}</th>
                  <th>{t('Name')}</th>
                  <th>{t('E-mail')}</th>
                  <th>{t("The site's user id")}</th>
                  <th>{t('First visit')}</th>
                  <th>
                    <span class="sr-only">{t('Actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                <For each={list()}>
                  {(v) => (
                    <tr data-visitor={v.id}>
                      <td data-label={tx('filter', 'Inbox')}>
                        <SafeText text={inboxName(v.inboxId)} />
                      </td>
                      <td data-label={t('Name')}>
                        <Show when={v.erasedAt} fallback={<SafeText text={v.name ?? ''} />}>
                          {(at) => (
                            <span class="muted">{t('Erased on {date}', { date: when(at()) })}</span>
                          )}
                        </Show>
                      </td>
                      <td data-label={t('E-mail')}>{v.email ?? ''}</td>
                      <td data-label={t("The site's user id")}>
                        <SafeText text={v.externalId ?? ''} />
                      </td>
                      <td data-label={t('First visit')}>{when(v.createdAt)}</td>
                      <td data-label="">
                        <div class="audit-buttons">
                          <button
                            type="button"
                            class="secondary"
                            aria-label={t('Export the data of {name}', { name: nameOf(v) })}
                            onClick={() => void exportVisitor(v)}
                          >
                            {t('Export')}
                          </button>
                          <button
                            type="button"
                            class="danger"
                            aria-label={
                              v.erasedAt
                                ? t('Erase again (finishes an erasure cut short)')
                                : t('Erase the data of {name}', { name: nameOf(v) })
                            }
                            onClick={() => setErasing(v)}
                          >
                            {t('Erase')}
                          </button>
                        </div>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </Show>
        )}
      </Show>
      <Show when={erasing()}>
        {(v) => <EraseDialog visitor={v()} erase={erase} onClose={() => setErasing(null)} />}
      </Show>
    </main>
  )
}

/** Confirms an erasure, naming what goes; it cannot be undone. */
function EraseDialog(props: {
  visitor: VisitorMatch
  erase: (v: VisitorMatch) => Promise<string | null>
  onClose: () => void
}) {
  const name = () => props.visitor.name ?? props.visitor.email ?? props.visitor.id
  return (
    <ConfirmDialog
      title={t('Erase {name}?', { name: name() })}
      confirm={t('Erase for good')}
      danger
      run={() => props.erase(props.visitor)}
      onClose={() => props.onClose()}
    >
      <p>
        {t(
          'Their name, e-mail, phone, attributes and site user id, and in every conversation they had: each message, note, file, page and rating comment. This cannot be undone; export first if they asked for a copy.',
        )}
      </p>
    </ConfirmDialog>
  )
}
