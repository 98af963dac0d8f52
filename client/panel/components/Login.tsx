/** Operator login (POST /api/auth/login); on first run, the first admin's setup instead. */
import { createResource, createSignal, lazy, Show } from 'solid-js'
import { usePanel } from '../context.ts'

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
      <p class="muted">Operator sign in</p>
      <label>
        Email
        <input
          type="email"
          autocomplete="username"
          required
          value={email()}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
      </label>
      <label>
        Password
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
        Sign in
      </button>
    </form>
  )
}
