/**
 * The widget frame's entry: read the config the loader put in the URL, wait for the stored
 * values the loader keeps on the host page, then render.
 */
import { render } from 'solid-js/web'
import { App } from './components/App.tsx'
import { readConfig } from './config.ts'
import { WidgetContext } from './context.ts'
import { connectHost } from './host.ts'
import './styles.css'
import { createWidget } from './widget.ts'

const root = document.getElementById('root')
const config = readConfig(window.location, window.parent !== window)
if (root && config.inboxId) {
  void connectHost(config.embedded).then((host) => {
    const widget = createWidget(config, host)
    render(
      () => (
        <WidgetContext.Provider value={widget}>
          <App />
        </WidgetContext.Provider>
      ),
      root,
    )
  })
}
