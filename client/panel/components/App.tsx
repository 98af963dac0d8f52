/** The panel: the login form, or (for now) the notice that the panel is not built yet. */
import { Show } from 'solid-js'
import { usePanel } from '../context.ts'
import { Login } from './Login.tsx'
import { NotBuilt } from './NotBuilt.tsx'

export function App() {
  const panel = usePanel()
  return (
    <main class="panel">
      <Show when={panel.state.login} fallback={<Login />}>
        {(login) => <NotBuilt name={login().operator.name} />}
      </Show>
    </main>
  )
}
