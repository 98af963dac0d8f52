/** The panel: the login form, or the signed-in shell. Keeps the page title's unread count. */
import { createEffect, Show } from 'solid-js'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import { Login } from './Login.tsx'
import { Shell } from './Shell.tsx'

export function App() {
  const panel = usePanel()
  createEffect(() => {
    const n = panel.state.login ? panel.state.badges.unread : 0
    document.title =
      n > 0 ? t('({n}) Parley — operator panel', { n }) : t('Parley — operator panel')
  })
  return (
    <Show
      when={panel.state.login}
      fallback={
        <main class="login-page">
          <Login />
        </main>
      }
    >
      <Shell />
    </Show>
  )
}
