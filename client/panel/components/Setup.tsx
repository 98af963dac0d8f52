/**
 * First run: create the first admin with the setup code the server printed in its log. The
 * code comes in the link (`/panel/#setup=...`, a fragment: never sent to any server) or is
 * pasted. Fields are checked before sending; a refusal is shown next to the field it names.
 */
import { createSignal, Show } from 'solid-js'
import { usePanel } from '../context.ts'
import { names } from '../form-errors.ts'
import { t } from '../i18n.ts'

/** The code in the address's fragment, removed from the address bar once read. */
function codeFromLink(): string {
  const code = new URLSearchParams(window.location.hash.slice(1)).get('setup') ?? ''
  if (code) history.replaceState(null, '', window.location.pathname + window.location.search)
  return code
}

export function Setup() {
  const panel = usePanel()
  const [code, setCode] = createSignal(codeFromLink())
  const [name, setName] = createSignal('')
  const [email, setEmail] = createSignal('')
  const [password, setPassword] = createSignal('')
  const [repeat, setRepeat] = createSignal('')
  const [local, setLocal] = createSignal<string | null>(null)
  /** The problem to show: one found here before sending, else the server's refusal. */
  const error = () => local() ?? panel.state.error
  const invalid = (field: string) => (names(error(), field) ? 'true' : undefined)
  const described = (field: string) => (names(error(), field) ? 'setup-error' : undefined)

  const check = (): string | null => {
    // The field's name first, as the server's refusals do: it marks the field.
    if (code().trim() === '') return `code: ${t('paste the setup code from the server log')}`
    if (name().trim() === '') return `name: ${t('enter your name')}`
    if (!/^[^\s@]+@[^\s@]+$/.test(email().trim())) return `email: ${t('enter an email address')}`
    if (password().length < 10) return `password: ${t('use at least 10 characters')}`
    if (repeat() !== password()) return `repeat: ${t('the two passwords differ')}`
    return null
  }

  return (
    <form
      class="card"
      aria-labelledby="setup-title"
      noValidate
      onSubmit={(e) => {
        e.preventDefault()
        const problem = check()
        setLocal(problem)
        if (problem) return
        void panel.actions.setupAdmin({
          code: code().trim(),
          name: name().trim(),
          email: email().trim(),
          password: password(),
        })
      }}
    >
      <h1 id="setup-title">{t('Welcome to Parley')}</h1>
      <p class="muted">
        {t(
          'Create the first admin. The setup code is in the server log, in the line that starts with “no admin yet”.',
        )}
      </p>
      <label>
        {t('Setup code')}
        <input
          name="code"
          autocomplete="off"
          spellcheck={false}
          value={code()}
          aria-invalid={invalid('code')}
          aria-describedby={described('code')}
          onInput={(e) => setCode(e.currentTarget.value)}
        />
      </label>
      <label>
        {t('Your name')}
        <input
          name="name"
          autocomplete="name"
          maxLength={100}
          value={name()}
          aria-invalid={invalid('name')}
          aria-describedby={described('name')}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </label>
      <label>
        {t('Email')}
        <input
          name="email"
          type="email"
          autocomplete="username"
          maxLength={254}
          value={email()}
          aria-invalid={invalid('email')}
          aria-describedby={described('email')}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
      </label>
      <label>
        {t('Password')}
        <input
          name="password"
          type="password"
          autocomplete="new-password"
          value={password()}
          aria-invalid={invalid('password')}
          aria-describedby={described('password')}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
      </label>
      <label>
        {t('Repeat the password')}
        <input
          name="repeat"
          type="password"
          autocomplete="new-password"
          value={repeat()}
          aria-invalid={invalid('repeat')}
          aria-describedby={described('repeat')}
          onInput={(e) => setRepeat(e.currentTarget.value)}
        />
      </label>
      <Show when={error()}>
        <p class="error" role="alert" id="setup-error">
          {plain(error() ?? '')}
        </p>
      </Show>
      <button type="submit" disabled={panel.state.busy}>
        {t('Create the admin and sign in')}
      </button>
    </form>
  )
}

/** "password: use at least 10 characters" reads "Password: use at least 10 characters". */
function plain(message: string): string {
  const match = /^(\w+): (.*)$/.exec(message)
  if (!match) return message
  const label: Record<string, string> = {
    code: t('Setup code'),
    name: t('Name'),
    email: t('Email'),
    password: t('Password'),
    repeat: t('Repeat the password'),
  }
  return `${label[match[1] as string] ?? match[1]}: ${match[2]}`
}
