/**
 * How a site gets the inbox's widget: the embed snippet (with the SDK's queue stub, so the
 * site may call `Parley(...)` before the loader has arrived) and a copy button; and the
 * identity secret the site's backend signs its users' ids with (shown only when an admin
 * asks, which the server logs; rotated with a confirmation), with the signing code.
 */
import { createSignal, createUniqueId, Show } from 'solid-js'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'

/** The snippet for an inbox, served from this Parley server. */
export function embedSnippet(origin: string, inboxId: string): string {
  return [
    '<script>window.Parley=window.Parley||function(){(Parley.q=Parley.q||[]).push(arguments)}</script>',
    `<script src="${origin}/widget/loader.js" data-inbox="${inboxId}" async></script>`,
  ].join('\n')
}

const SIGNING = `// On your server, for the signed-in user:
import { createHmac } from 'node:crypto'
const hash = createHmac('sha256', PARLEY_IDENTITY_SECRET).update(user.id).digest('hex')
// In the page:
Parley('setUser', { id: user.id, hash, name: user.name, email: user.email })`

/** A read-only code block with a Copy button and a status line saying what happened. */
function CopyBlock(props: { label: string; copy: string; text: string; rows: number }) {
  const id = createUniqueId()
  const [status, setStatus] = createSignal('')
  let area!: HTMLTextAreaElement
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.text)
      setStatus(t('Copied'))
    } catch {
      // No clipboard access (an insecure origin, a denied permission): select it for Ctrl+C.
      area.focus()
      area.select()
      setStatus(t('Selected: press Ctrl+C (⌘C) to copy'))
    }
  }
  return (
    <div class="copy-block">
      <label for={id}>{props.label}</label>
      <textarea
        id={id}
        ref={area}
        readOnly
        rows={props.rows}
        spellcheck={false}
        value={props.text}
        onFocus={(e) => e.currentTarget.select()}
      />
      <div class="form-foot">
        <button type="button" class="secondary" onClick={() => void copy()}>
          {props.copy}
        </button>
        <span class="muted" role="status">
          {status()}
        </span>
      </div>
    </div>
  )
}

export function EmbedCode(props: { inboxId: string }) {
  const panel = usePanel()
  const [secret, setSecret] = createSignal<string | null>(null)
  const [error, setError] = createSignal<string | null>(null)
  const [busy, setBusy] = createSignal(false)
  const run = async (
    fn: () => Promise<{ value: string; error: null } | { value: null; error: string }>,
  ) => {
    setBusy(true)
    const result = await fn()
    setBusy(false)
    setError(result.error)
    if (result.value !== null) setSecret(result.value)
  }
  const rotate = () => {
    const sure = confirm(
      t(
        'Make a new identity secret? Signed-in users stay anonymous in the widget until your site signs with the new one.',
      ),
    )
    if (sure) void run(() => panel.actions.rotateIdentitySecret(props.inboxId))
  }
  return (
    <section class="card embed" aria-labelledby={`embed-${props.inboxId}`}>
      <h3 id={`embed-${props.inboxId}`}>{t('Put the widget on your site')}</h3>
      <p class="muted hint">
        {t('Paste this before the closing </body> tag of every page that shows the chat.')}
      </p>
      <CopyBlock
        label={t('Snippet')}
        copy={t('Copy snippet')}
        text={embedSnippet(location.origin, props.inboxId)}
        rows={3}
      />
      <h4>{t('Signed-in users')}</h4>
      <p class="muted hint">
        {t(
          "To show a signed-in user their conversations on any device, your server signs the user's id with this inbox's identity secret. Keep the secret on your server only.",
        )}
      </p>
      <Show
        when={secret()}
        fallback={
          <div class="form-foot">
            <button
              type="button"
              class="secondary"
              disabled={busy()}
              onClick={() => void run(() => panel.actions.identitySecret(props.inboxId))}
            >
              {t('Show identity secret')}
            </button>
          </div>
        }
      >
        {(value) => (
          <>
            <CopyBlock
              label={t('Identity secret')}
              copy={t('Copy identity secret')}
              text={value()}
              rows={1}
            />
            <div class="form-foot">
              <button type="button" class="secondary" disabled={busy()} onClick={rotate}>
                {t('Make a new secret')}
              </button>
            </div>
          </>
        )}
      </Show>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
      <CopyBlock label={t('Signing code')} copy={t('Copy signing code')} text={SIGNING} rows={5} />
    </section>
  )
}
