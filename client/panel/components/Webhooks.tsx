/**
 * Admin: an inbox's webhooks (issue 17, I1), in place of the inbox forms like its branches: the
 * endpoints Parley sends the inbox's events to (webhooks, Telegram chats, e-mail replies to
 * offline requests, the Telegram channel: I2, I4, I5), each with its state, secret and delivery log;
 * the form to add or change one in place of the list; the secret shown once after it was made
 * or rotated; rotating (the old secret signs too for the hours chosen, so the receiver can
 * switch without refusing an event) and deleting, each after a confirmation.
 */
import { createSignal, For, onMount, Show } from 'solid-js'
import { createStore, reconcile } from 'solid-js/store'
import { Icon } from '../../shared/ui/Icon.tsx'
import { describe } from '../chat.ts'
import { usePanel } from '../context.ts'
import { t, tn } from '../i18n.ts'
import { targetName } from '../webhook-labels.ts'
import { webhooksApi, type WebhookEndpoint, type WebhookWithSecret } from '../webhooks-api.ts'
import { ConfirmDialog } from './ConfirmDialog.tsx'
import { WebhookForm } from './WebhookForm.tsx'
import { WebhookItem } from './WebhookItem.tsx'
import '../webhooks.css'

/** The old secret's overlaps offered, in hours (the API takes 0 to 168). */
const OVERLAPS = [0, 1, 6, 24, 72, 168]

export function Webhooks(props: { inboxId: string }) {
  const panel = usePanel()
  const api = webhooksApi(panel.http)
  // A store, reconciled by id: a webhook's row (its open log) outlives a reload of the list.
  const [data, setData] = createStore<{ list: WebhookEndpoint[] | null }>({ list: null })
  const [error, setError] = createSignal<string | null>(null)
  /** The webhook in the form: its id, 'new', or none (the list shows). */
  const [editing, setEditing] = createSignal<string | null>(null)
  /** A secret to show once (just made or rotated), with its webhook. */
  const [secret, setSecret] = createSignal<WebhookWithSecret | null>(null)
  /** The confirmation asked for: rotate or delete a webhook. */
  const [asking, setAsking] = createSignal<[rotate: boolean, WebhookEndpoint] | null>(null)
  const [hours, setHours] = createSignal(24)
  let heading!: HTMLHeadingElement
  let rotated: WebhookWithSecret | undefined

  const inboxName = () => panel.state.inboxes.find((i) => i.id === props.inboxId)?.name ?? ''
  const load = async () => {
    try {
      setData('list', reconcile((await api.list(props.inboxId)).endpoints, { key: 'id' }))
      setError(null)
    } catch (e) {
      setError(describe(e))
    }
  }
  /** After a change: the list again, and a new secret (it takes the focus) or the heading. */
  const changed = (made?: { endpoint: WebhookEndpoint; secret?: string }) => {
    void load()
    if (made?.secret) setSecret({ endpoint: made.endpoint, secret: made.secret })
    else heading.focus()
  }
  onMount(() => changed())

  return (
    <main class="admin">
      <div class="page-head">
        <button
          type="button"
          class="icon-button"
          aria-label={t('Back to inbox settings')}
          onClick={() => panel.actions.closeInboxPage()}
        >
          <Icon name="back" />
        </button>
        {/* Shown in place of another view: focus starts here. */}
        <h2 tabIndex={-1} ref={heading}>
          {t('Webhooks of {name}', { name: inboxName() })}
        </h2>
      </div>
      <p class="muted">
        {t(
          "Parley sends this inbox's events to these endpoints: webhooks (signed requests to a URL), Telegram chats and e-mail to the team (notifications, SLA breaches), e-mail to visitors (operators' answers to offline requests) and the Telegram channel (answers to people who write to your bot). A failed delivery is retried for 24 hours.",
        )}
      </p>
      {error() && (
        <p class="error" role="alert">
          {error()}
        </p>
      )}
      <Show
        when={editing()}
        keyed
        fallback={
          <>
            <For
              each={data.list}
              fallback={<p>{data.list ? t('No endpoints yet.') : t('Loading…')}</p>}
            >
              {(endpoint) => (
                <WebhookItem
                  api={api}
                  endpoint={endpoint}
                  secret={secret()?.endpoint.id === endpoint.id ? secret()!.secret : null}
                  onSecretDone={() => {
                    setSecret(null)
                    heading.focus()
                  }}
                  onChange={() => void load()}
                  onEdit={() => setEditing(endpoint.id)}
                  onRotate={() => setAsking([true, endpoint])}
                  onDelete={() => setAsking([false, endpoint])}
                />
              )}
            </For>
            <div>
              <button type="button" onClick={() => setEditing('new')}>
                {t('Add endpoint')}
              </button>
            </div>
          </>
        }
      >
        {(id) => (
          <WebhookForm
            api={api}
            inboxId={props.inboxId}
            endpoint={data.list?.find((x) => x.id === id) ?? null}
            onDone={(saved) => {
              setEditing(null)
              if (saved) changed(saved)
              else heading.focus()
            }}
          />
        )}
      </Show>
      <Show when={asking()} keyed>
        {([rotate, endpoint]) => (
          <ConfirmDialog
            title={rotate ? t('Rotate the signing secret') : t('Delete endpoint')}
            confirm={rotate ? t('Rotate secret') : t('Delete endpoint')}
            danger={!rotate}
            run={async () => {
              try {
                if (rotate) rotated = await api.rotate(endpoint.id, hours())
                else await api.remove(endpoint.id)
                return null
              } catch (e) {
                return describe(e)
              }
            }}
            onClose={(done) => {
              setAsking(null)
              if (done) changed(rotated)
              rotated = undefined
            }}
          >
            <p>
              {rotate
                ? t('A new secret signs the requests to {url} from now on.', { url: endpoint.url })
                : t('No more events go to {url}. This cannot be undone.', {
                    url: targetName(endpoint.url),
                  })}
            </p>
            {rotate && (
              <>
                <label>
                  {t('The old secret signs them too for')}
                  <select value={hours()} onChange={(e) => setHours(Number(e.currentTarget.value))}>
                    <For each={OVERLAPS}>
                      {(n) => <option value={n}>{tn(n, '{n} hour', '{n} hours')}</option>}
                    </For>
                  </select>
                </label>
                <p class="muted">
                  {t('So the receiver can switch to the new secret without refusing an event.')}
                </p>
              </>
            )}
          </ConfirmDialog>
        )}
      </Show>
    </main>
  )
}
