/**
 * Admin: API tokens (issue 17, I3), newest first: what each is called, its access, its first
 * characters, the operator it acts as, who made it and when, when it was last used, when it
 * expires and whether it still works; revoking one (after a confirmation) keeps it listed,
 * marked revoked. The form to make one shows in place of the list; the new token's secret then
 * shows once above it, focused and selected to be copied, and is gone once the admin says it is
 * copied or leaves the page.
 */
import { createSignal, For, onMount, Show, type JSX } from 'solid-js'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { describe } from '../chat.ts'
import { usePanel } from '../context.ts'
import { locale, msg, t, tx } from '../i18n.ts'
import { tokensApi, type ApiToken, type CreatedApiToken } from '../tokens-api.ts'
import { ApiTokenForm, SCOPE_LABELS } from './ApiTokenForm.tsx'
import { ConfirmDialog } from './ConfirmDialog.tsx'
import '../tokens.css'

const STATUS = { active: msg('Active'), expired: msg('Expired'), revoked: msg('Revoked') }

const status = (token: ApiToken): keyof typeof STATUS =>
  token.revokedAt !== null
    ? 'revoked'
    : token.expiresAt !== null && token.expiresAt <= Date.now()
      ? 'expired'
      : 'active'

/** "3 minutes ago", "yesterday", "in 30 days": the nearest unit, in the UI language. */
function relative(at: number): string {
  const minutes = Math.round((at - Date.now()) / 60_000)
  const format = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' })
  const size = Math.abs(minutes)
  if (size < 60) return format.format(minutes, 'minute')
  if (size < 1440) return format.format(Math.round(minutes / 60), 'hour')
  return format.format(Math.round(minutes / 1440), 'day')
}

/** A moment as a date (or `text`), its date and time on hover. */
const date = (
  at: number,
  text = new Date(at).toLocaleDateString(locale(), { dateStyle: 'medium' }),
) => (
  <time datetime={new Date(at).toISOString()} title={new Date(at).toLocaleString(locale())}>
    {text}
  </time>
)

/** The table's columns after the name: each a heading, and what a token shows under it. */
const COLUMNS: ReadonlyArray<[string, (token: ApiToken) => JSX.Element]> = [
  [msg('Access'), (token) => t(SCOPE_LABELS[token.scope])],
  [msg('Token'), (token) => <code>{token.prefix}…</code>],
  [msg('Acts as'), (token) => <SafeText text={token.operator.name} />],
  [
    msg('Created'),
    (token) => (
      <span>
        {date(token.createdAt)}
        {token.createdBy && (
          <>
            {' · '}
            <SafeText text={token.createdBy.name} />
          </>
        )}
      </span>
    ),
  ],
  [
    msg('Last used'),
    (token) =>
      token.lastUsedAt === null ? t('Never') : date(token.lastUsedAt, relative(token.lastUsedAt)),
  ],
  [msg('Expires'), (token) => (token.expiresAt === null ? t('Never') : date(token.expiresAt))],
  [
    msg('Status'),
    (token) => (
      <span class="pill" data-status={status(token)}>
        {t(STATUS[status(token)])}
      </span>
    ),
  ],
]

export function ApiTokens() {
  const panel = usePanel()
  const api = tokensApi(panel.http)
  const [list, setList] = createSignal<ApiToken[] | null>(null)
  const [error, setError] = createSignal<string | null>(null)
  const [adding, setAdding] = createSignal(false)
  /** The token just made, with its secret: shown once. */
  const [made, setMade] = createSignal<CreatedApiToken | null>(null)
  const [asking, setAsking] = createSignal<ApiToken | null>(null)
  const [note, setNote] = createSignal('')
  let heading!: HTMLHeadingElement
  let field!: HTMLInputElement

  const load = async () => {
    try {
      setList((await api.list()).tokens)
      setError(null)
    } catch (e) {
      setError(describe(e))
    }
  }
  onMount(() => void load())

  // Without clipboard access (an insecure origin, a denied permission) the secret is selected
  // for Ctrl+C instead.
  const copy = () =>
    navigator.clipboard.writeText(field.value).then(
      () => setNote(t('Copied')),
      () => field.focus(),
    )

  return (
    <main class="admin">
      {/* Back from the form or a dialog: focus starts here. */}
      <h2 tabIndex={-1} ref={heading}>
        {t('API tokens')}
      </h2>
      <p class="muted">
        {t(
          'Integrations send a token in the Authorization header (Bearer) of each API request. A token can do what its operator may, within its access.',
        )}
      </p>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
      <Show
        when={!adding()}
        fallback={
          <ApiTokenForm
            api={api}
            onDone={(token) => {
              setAdding(false)
              if (token) {
                setMade(token)
                void load()
              } else heading.focus()
            }}
          />
        }
      >
        <Show when={made()}>
          {(m) => (
            <section class="card token-secret" aria-labelledby="token-made">
              <h3 id="token-made">{t('Token “{name}” created', { name: m().token.name })}</h3>
              <label>
                {t('Token')}
                <input
                  ref={(el) => {
                    field = el
                    queueMicrotask(() => el.focus())
                  }}
                  readOnly
                  dir="ltr"
                  spellcheck={false}
                  value={m().secret}
                  onFocus={(e) => e.currentTarget.select()}
                  aria-describedby="token-warning"
                />
              </label>
              <p id="token-warning">
                <strong>{t('Copy it now: it will not be shown again.')}</strong>
              </p>
              <div class="form-foot">
                <button type="button" onClick={() => void copy()}>
                  {t('Copy token')}
                </button>
                <button
                  type="button"
                  class="secondary"
                  onClick={() => {
                    setMade(null)
                    heading.focus()
                  }}
                >
                  {t('I have copied it')}
                </button>
                <span class="muted" role="status">
                  {note()}
                </span>
              </div>
            </section>
          )}
        </Show>
        <div>
          <button
            type="button"
            onClick={() => {
              setMade(null)
              setNote('')
              setAdding(true)
            }}
          >
            {t('New token')}
          </button>
        </div>
        <Show
          when={list()?.length}
          fallback={<p class="muted">{list() ? t('No API tokens yet.') : t('Loading…')}</p>}
        >
          <table class="table cards">
            <thead>
              <tr>
                <th>{tx('token', 'Name')}</th>
                <For each={COLUMNS}>{([label]) => <th>{t(label)}</th>}</For>
                <th>
                  <span class="sr-only">{t('Actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={list()}>
                {(token) => (
                  <tr data-token={token.id} classList={{ inactive: status(token) !== 'active' }}>
                    <td id={`token-${token.id}`} data-label="">
                      <strong>
                        <SafeText text={token.name} />
                      </strong>
                    </td>
                    <For each={COLUMNS}>
                      {([label, cell]) => <td data-label={t(label)}>{cell(token)}</td>}
                    </For>
                    <td data-label="">
                      <Show when={!token.revokedAt}>
                        <button
                          type="button"
                          class="secondary"
                          aria-describedby={`token-${token.id}`}
                          onClick={() => setAsking(token)}
                        >
                          {t('Revoke')}
                        </button>
                      </Show>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Show>
      </Show>
      <Show when={asking()} keyed>
        {(token) => (
          <ConfirmDialog
            title={t('Revoke token')}
            confirm={t('Revoke token')}
            danger
            run={async () => {
              try {
                await api.revoke(token.id)
                return null
              } catch (e) {
                return describe(e)
              }
            }}
            onClose={(done) => {
              setAsking(null)
              if (done) {
                void load()
                heading.focus()
              }
            }}
          >
            <p>
              {t(
                'Requests with “{name}” ({prefix}…) are refused from now on. This cannot be undone.',
                { name: token.name, prefix: token.prefix },
              )}
            </p>
          </ConfirmDialog>
        )}
      </Show>
    </main>
  )
}
