/**
 * Admin: data-subject requests (issue 18, S8). Find a visitor by e-mail, the site's user id or
 * Parley's visitor id; each match shows its inbox, name, e-mail and first visit, and "Export"
 * downloads everything held about them as one ZIP (the server records the export).
 */
import { createSignal, createUniqueId, For, Show } from 'solid-js'
import { asParleyError, httpJson } from '../../shared/index.ts'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import type { VisitorMatch } from '../../../server/data-requests.ts'
import { saveFile } from '../audit-api.ts'
import { usePanel } from '../context.ts'
import { locale, msg, t, tn, tx } from '../i18n.ts'
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
  const errorId = createUniqueId()
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

  return (
    <main class="admin audit" aria-labelledby="privacy-title">
      <h2 id="privacy-title">{t('Data requests')}</h2>
      <p class="muted">
        {t(
          'When a visitor asks what Parley holds about them, find them here and export it: their profile, every conversation with its messages, notes and ratings, and their files, in one ZIP file.',
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
                        <SafeText text={v.name ?? ''} />
                      </td>
                      <td data-label={t('E-mail')}>{v.email ?? ''}</td>
                      <td data-label={t("The site's user id")}>
                        <SafeText text={v.externalId ?? ''} />
                      </td>
                      <td data-label={t('First visit')}>
                        {new Date(v.createdAt).toLocaleString(locale(), {
                          dateStyle: 'medium',
                          timeStyle: 'short',
                        })}
                      </td>
                      <td data-label="">
                        <button
                          type="button"
                          class="secondary"
                          aria-label={t('Export the data of {name}', {
                            name: v.name ?? v.email ?? v.id,
                          })}
                          onClick={() => void exportVisitor(v)}
                        >
                          {t('Export')}
                        </button>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </Show>
        )}
      </Show>
    </main>
  )
}
