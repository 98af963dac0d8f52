/**
 * A forgotten password (issue 17, I4), from the sign-in page: the form that asks for a reset
 * link by e-mail (the answer never says whether the address has an account), and the one the
 * link opens (`/panel/#reset=<token>`) to choose the new password, checked like the password
 * dialog's. The server then signs the operator out everywhere; the sign-in form follows.
 */
import { createSignal, createUniqueId, Show } from 'solid-js'
import { asParleyError, httpJson } from '../../shared/index.ts'
import { describe } from '../chat.ts'
import { usePanel } from '../context.ts'
import { locale, t, tn } from '../i18n.ts'

const PATH = '/api/auth/password-reset'
/** Focuses an element once it is in the page. */
const focus = (el: HTMLElement) => queueMicrotask(() => el.focus())

/** Asks for a reset link for an e-mail address. */
export function ForgotPassword(props: { email: string; onBack: () => void }) {
  const panel = usePanel()
  const [email, setEmail] = createSignal(props.email)
  const [error, setError] = createSignal<string | null>(null)
  const [busy, setBusy] = createSignal(false)
  const [sent, setSent] = createSignal(false)

  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await httpJson(panel.http.baseUrl, PATH, {
        body: { email: email().trim(), locale: locale() },
      })
      setSent(true)
    } catch (err) {
      const error = asParleyError(err)
      const minutes = Math.max(1, Math.ceil((error.retryAfterMs ?? 0) / 60_000))
      setError(
        error.code === 'rate_limited'
          ? tn(
              minutes,
              'Too many requests. Try again in {n} minute.',
              'Too many requests. Try again in {n} minutes.',
            )
          : error.code === 'not_configured'
            ? t('This server cannot send reset links. Ask an admin to set a new password for you.')
            : describe(error),
      )
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="card" aria-labelledby="forgot-title" onSubmit={(e) => void submit(e)}>
      <h1 id="forgot-title">{t('Forgot your password?')}</h1>
      <Show
        when={!sent()}
        fallback={
          <>
            {/* Focused, so it is read out; the same whether or not the address has an account. */}
            <p role="status" tabIndex={-1} ref={focus}>
              {t('If an account uses this address, we sent a link to it. It works for 30 minutes.')}
            </p>
            <button type="button" onClick={() => props.onBack()}>
              {t('Back to sign in')}
            </button>
          </>
        }
      >
        <p class="muted">{t('We e-mail you a link to choose a new password.')}</p>
        <label>
          {t('Email')}
          <input
            ref={focus}
            type="email"
            autocomplete="username"
            required
            value={email()}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </label>
        <Show when={error()}>
          <p class="error" role="alert">
            {error()}
          </p>
        </Show>
        <button type="submit" disabled={busy()}>
          {t('Send the link')}
        </button>
        <button type="button" class="secondary" onClick={() => props.onBack()}>
          {t('Back to sign in')}
        </button>
      </Show>
    </form>
  )
}

/** The new password, for the reset link's token. */
export function ResetPassword(props: {
  token: string
  /** Changed (true) or given up (false): the sign-in form follows. */
  onDone: (changed: boolean) => void
  /** The link no longer works: ask for another. */
  onForgot: () => void
}) {
  const panel = usePanel()
  const [error, setError] = createSignal<string | null>(null)
  const [expired, setExpired] = createSignal(false)
  const [busy, setBusy] = createSignal(false)
  const hint = createUniqueId()
  let next!: HTMLInputElement
  let again!: HTMLInputElement

  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    if (next.value !== again.value) {
      setError(t('The new passwords do not match.'))
      return again.focus()
    }
    setBusy(true)
    setError(null)
    try {
      await httpJson(panel.http.baseUrl, `${PATH}/confirm`, {
        body: { token: props.token, newPassword: next.value },
      })
      props.onDone(true)
    } catch (err) {
      const error = asParleyError(err)
      setExpired(error.code === 'unauthenticated')
      setError(
        error.code === 'unauthenticated'
          ? t('This link is invalid or has expired. Ask for a new one.')
          : describe(error),
      )
      next.focus()
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="card" aria-labelledby="reset-title" onSubmit={(e) => void submit(e)}>
      <h1 id="reset-title">{t('Choose a new password')}</h1>
      <label>
        {t('New password')}
        <input
          ref={(el) => {
            next = el
            focus(el)
          }}
          type="password"
          autocomplete="new-password"
          minLength={10}
          required
          aria-describedby={hint}
        />
      </label>
      <p id={hint} class="muted form-hint">
        {t('At least 10 characters. You will be signed out on every device.')}
      </p>
      <label>
        {t('New password again')}
        <input ref={again} type="password" autocomplete="new-password" required />
      </label>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
      <button type="submit" disabled={busy()}>
        {t('Set the new password')}
      </button>
      <Show when={expired()}>
        <button type="button" class="secondary" onClick={() => props.onForgot()}>
          {t('Ask for a new link')}
        </button>
      </Show>
      <button type="button" class="secondary" onClick={() => props.onDone(false)}>
        {t('Back to sign in')}
      </button>
    </form>
  )
}
