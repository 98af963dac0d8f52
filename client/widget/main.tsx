/** The widget frame's entry: read the config the loader put in the URL, then render. */
import { render } from 'solid-js/web'
import { App } from './components/App.tsx'
import { readConfig } from './config.ts'
import { WidgetContext } from './context.ts'
import './styles.css'
import { createWidget } from './widget.ts'

const root = document.getElementById('root')
const config = readConfig(window.location, window.parent !== window)
if (root && config.inboxId) {
  const widget = createWidget(config)
  render(
    () => (
      <WidgetContext.Provider value={widget}>
        <App />
      </WidgetContext.Provider>
    ),
    root,
  )
}
