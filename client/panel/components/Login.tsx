/**
 * Operator login (POST /api/auth/login) with the UI language under it (this device's choice:
 * there is no account yet); on first run, the first admin's setup instead. When the server can
 * send e-mail, "Forgot password?" asks for a reset link; the link (`/panel/#reset=<token>`, a
 * fragment: never sent to any server) opens the form for the new password, and the sign-in
 * form follows with a notice once it is changed.
 */
import { createResource, createSignal, For, lazy, Match, onCleanup, Show, Switch } from 'solid-js'
import { httpJson } from '../../shared/index.ts'
import { usePanel } from '../context.ts'
import { LOCALES, locale, setLocale, t, type Locale } from '../i18n.ts'

// The setup and the reset forms are one lazy chunk (see the module).
const extras = () => import('./login-extras.ts')
const Setup = lazy(() => extras().then((m) => ({ default: m.Setup })))
const ForgotPassword = lazy(() => extras().then((m) => ({ default: m.ForgotPassword })))
const ResetPassword = lazy(() => extras().then((m) => ({ default: m.ResetPassword })))

type View = 'sign-in' | 'forgot' | 'reset'
/** Focuses an element once it is in the page. */
const focus = (el: HTMLElement) => queueMicrotask(() => el.focus())

export function Login() {
  const panel = usePanel()
  const [pending] = createResource(() => panel.actions.setupPending())
  const linked = () => new URLSearchParams(window.location.hash.slice(1)).get('reset') ?? ''
  const [token, setToken] = createSignal(linked())
  const [view, setView] = createSignal<View>(token() ? 'reset' : 'sign-in')
  // A link pasted into this very tab changes only the fragment: no new page load.
  const follow = () => {
    const next = linked()
    if (!next) return
    setToken(next)
    setView('reset')
  }
  window.addEventListener('hashchange', follow)
  onCleanup(() => window.removeEventListener('hashchange', follow))
  const [email, setEmail] = createSignal('')
  /** What the sign-in form says first, and focuses: the password was just changed. */
  const [notice, setNotice] = createSignal('')
  /** Back from the forgotten password's form: the focus goes back to its link. */
  const [back, setBack] = createSignal(false)
  /** Back from the reset link's form: the token leaves the address bar. */
  const signIn = (changed: boolean) => {
    history.replaceState(null, '', window.location.pathname + window.location.search)
    setNotice(changed ? t('Password changed; log in with the new one.') : '')
    setView('sign-in')
  }
  return (
    <Show when={!pending.loading}>
      <Switch
        fallback={
          <SignIn
            notice={notice()}
            back={back()}
            email={email()}
            onEmail={setEmail}
            onForgot={() => setView('forgot')}
          />
        }
      >
        <Match when={pending()}>
          <Setup />
        </Match>
        <Match when={view() === 'reset'}>
          <ResetPassword token={token()} onDone={signIn} onForgot={() => setView('forgot')} />
        </Match>
        <Match when={view() === 'forgot'}>
          <ForgotPassword
            email={email()}
            onBack={() => {
              history.replaceState(null, '', window.location.pathname + window.location.search)
              setBack(true)
              setView('sign-in')
            }}
          />
        </Match>
      </Switch>
    </Show>
  )
}

/**
 * The UI language, the languages by their own names (in the sign-in card, so a Russian operator
 * can switch before signing in). A language that fails to load leaves the UI as it was.
 */
export function LanguageSwitch() {
  return (
    <label class="toggle">
      {t('Language')}
      <select
        onChange={(e) => {
          const select = e.currentTarget
          setLocale(select.value as Locale).catch(() => (select.value = locale()))
        }}
      >
        <For each={LOCALES}>
          {(l) => (
            <option value={l.id} lang={l.id} selected={l.id === locale()}>
              {l.name}
            </option>
          )}
        </For>
      </select>
    </label>
  )
}

function SignIn(props: {
  notice: string
  back: boolean
  email: string
  onEmail: (email: string) => void
  onForgot: () => void
}) {
  const panel = usePanel()
  const [password, setPassword] = createSignal('')
  // Whether this server can send reset links (e-mail and its public address are set up).
  const [resets] = createResource(() =>
    httpJson<{ available: boolean }>(panel.http.baseUrl, '/api/auth/password-reset').then(
      (r) => r.available,
      () => false,
    ),
  )
  return (
    <form
      class="card"
      onSubmit={(e) => {
        e.preventDefault()
        void panel.actions.login(props.email, password())
      }}
    >
      <h1>Parley</h1>
      <Show when={props.notice}>
        {/* Focused, so it is read out. */}
        <p class="login-notice" role="status" tabIndex={-1} ref={focus}>
          {props.notice}
        </p>
      </Show>
      <p class="muted">{t('Operator sign in')}</p>
      <label>
        {t('Email')}
        <input
          type="email"
          autocomplete="username"
          required
          value={props.email}
          onInput={(e) => props.onEmail(e.currentTarget.value)}
        />
      </label>
      <label>
        {t('Password')}
        <input
          type="password"
          autocomplete="current-password"
          required
          value={password()}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
      </label>
      <Show when={panel.state.error}>
        <p class="error" role="alert">
          {panel.state.error}
        </p>
      </Show>
      <button type="submit" disabled={panel.state.busy}>
        {t('Sign in')}
      </button>
      <Show when={resets()}>
        <button
          type="button"
          class="link-button"
          ref={(el) => props.back && focus(el)}
          onClick={() => props.onForgot()}
        >
          {t('Forgot password?')}
        </button>
      </Show>
      <LanguageSwitch />
    </form>
  )
}
