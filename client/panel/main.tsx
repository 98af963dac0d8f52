/** The operator panel's entry. */
import { render } from 'solid-js/web'
import { App } from './components/App.tsx'
import { PanelContext } from './context.ts'
import { deviceLocale, setLocale } from './i18n.ts'
import { createPanel } from './panel.ts'
import { loadLogin } from './session.ts'
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
// The account's language when signed in, else this device's; Russian fetches its strings first,
// so the page never flashes English (a failed fetch shows English rather than nothing).
const startLocale = loadLogin()?.operator.locale ?? deviceLocale()
const ready =
  startLocale === 'en' ? Promise.resolve() : setLocale(startLocale).catch(() => undefined)

if (root)
  void ready.then(() => {
    const panel = createPanel(baseUrl)
    render(
      () => (
        <PanelContext.Provider value={panel}>
          <App />
        </PanelContext.Provider>
      ),
      root,
    )
  })
