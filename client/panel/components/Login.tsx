/**
 * Operator login (POST /api/auth/login) with the UI language under it (this device's choice:
 * there is no account yet); on first run, the first admin's setup instead.
 */
import { createResource, createSignal, For, lazy, Show } from 'solid-js'
import { usePanel } from '../context.ts'
import { LOCALES, locale, setLocale, t, type Locale } from '../i18n.ts'

const Setup = lazy(() => import('./Setup.tsx').then((m) => ({ default: m.Setup })))

export function Login() {
  const panel = usePanel()
  const [pending] = createResource(() => panel.actions.setupPending())
  return (
    <Show when={!pending.loading}>
      <Show when={pending()} fallback={<SignIn />}>
        <Setup />
      </Show>
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

function SignIn() {
  const panel = usePanel()
  const [email, setEmail] = createSignal('')
  const [password, setPassword] = createSignal('')
  return (
    <form
      class="card"
      onSubmit={(e) => {
        e.preventDefault()
        void panel.actions.login(email(), password())
      }}
    >
      <h1>Parley</h1>
      <p class="muted">{t('Operator sign in')}</p>
      <label>
        {t('Email')}
        <input
          type="email"
          autocomplete="username"
          required
          value={email()}
          onInput={(e) => setEmail(e.currentTarget.value)}
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
      <LanguageSwitch />
    </form>
  )
}
