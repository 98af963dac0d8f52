/** The operator panel's entry. */
import { render } from 'solid-js/web'
import { App } from './components/App.tsx'
import { PanelContext } from './context.ts'
import { createPanel } from './panel.ts'
import './styles.css'
import './layout.css'
import './conversation.css'
import './branches.css'
import './transfer.css'
import './profile.css'
import './visitor.css'

const root = document.getElementById('root')
// index.html lives at <base>/panel/
const baseUrl = new URL('..', window.location.href).href.replace(/\/$/, '')
if (root) {
  const panel = createPanel(baseUrl)
  render(
    () => (
      <PanelContext.Provider value={panel}>
        <App />
      </PanelContext.Provider>
    ),
    root,
  )
}
