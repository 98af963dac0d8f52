/**
 * The visitor beside the thread (issue 16): a third pane on wide screens (>= 1200 px; its
 * collapsed state kept in localStorage), a drawer from the right on mid-sized ones, a screen of
 * its own on phones (<= 720 px; Back returns to the thread). The header's "Visitor details"
 * button opens and closes it; Escape closes the drawer and the phone screen and gives focus
 * back to that button. Everything the visitor or their browser said is shown as text.
 */
import { createSignal, lazy, onCleanup, Show } from 'solid-js'
import { Icon } from '../../shared/ui/Icon.tsx'
import { usePanel } from '../context.ts'
import { selected } from '../derive.ts'
import { t } from '../i18n.ts'

/** Its content comes in a chunk of its own (attributes/index.ts): the first load stays small. */
const VisitorBody = lazy(() =>
  import('../attributes/index.ts').then((m) => ({ default: m.VisitorBody })),
)

const COLLAPSED_KEY = 'parley.visitorSidebar'
const wideQuery = window.matchMedia('(min-width: 1200px)')
const phoneQuery = window.matchMedia('(max-width: 720px)')
const [wide, setWide] = createSignal(wideQuery.matches)
wideQuery.addEventListener('change', (e) => setWide(e.matches))
/** Wide screens: the pane is hidden (the operator's choice, kept across reloads). */
const [collapsed, setCollapsed] = createSignal(localStorage.getItem(COLLAPSED_KEY) === '1')
/** Narrower screens: the drawer (or the phone's screen) is open. */
const [drawer, setDrawer] = createSignal(false)
const shown = () => (wide() ? !collapsed() : drawer())
let toggleButton: HTMLButtonElement | undefined

/** Phones: the details are a screen in the browser's history, so Back returns to the thread. */
const inHistory = () => (history.state as { visitorDetails?: boolean } | null)?.visitorDetails
window.addEventListener('popstate', () => {
  if (drawer() && !inHistory()) close()
})

function open() {
  if (wide()) {
    setCollapsed(false)
    localStorage.removeItem(COLLAPSED_KEY)
    return
  }
  if (phoneQuery.matches) history.pushState({ ...history.state, visitorDetails: true }, '')
  setDrawer(true)
  queueMicrotask(() => document.getElementById('visitor-sidebar-title')?.focus())
}

function close() {
  if (wide()) {
    setCollapsed(true)
    localStorage.setItem(COLLAPSED_KEY, '1')
  } else if (drawer() && inHistory()) {
    // popstate closes it, so the entry goes with it.
    history.back()
    return
  } else {
    setDrawer(false)
  }
  toggleButton?.focus()
}

/** The conversation header's button that shows and hides the sidebar. */
export function DetailsToggle() {
  return (
    <button
      type="button"
      class="icon-button details-toggle"
      ref={(el) => (toggleButton = el)}
      aria-label={t('Visitor details')}
      title={t('Visitor details')}
      aria-expanded={shown()}
      aria-controls="visitor-sidebar"
      onClick={() => (shown() ? close() : open())}
    >
      {/* A person: the visitor. */}
      <svg
        width="20"
        height="20"
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        stroke-width="2"
        stroke-linecap="round"
        aria-hidden="true"
      >
        <path d="M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8z M4 20a8 8 0 0 1 16 0" />
      </svg>
    </button>
  )
}

/** Beside the conversation on screen (InboxPage renders one per conversation). */
export function VisitorSidebar() {
  const panel = usePanel()
  const conversation = () => selected(panel.state)
  // Another conversation starts with the drawer shut (the wide pane keeps its choice).
  onCleanup(() => setDrawer(false))
  const details = () => {
    const d = panel.state.visitor
    return d && d.conversationId === panel.state.selectedId ? d : null
  }
  const shownFor = () => {
    const d = details()
    const c = conversation()
    return d && c ? { details: d, conversation: c } : null
  }
  const openOther = (id: string) => {
    // The thread replaces the details screen: Back from it returns to this thread, not here.
    if (inHistory()) history.replaceState({ ...history.state, visitorDetails: false }, '')
    if (!wide()) setDrawer(false)
    void panel.actions.openConversation(id)
  }
  return (
    <Show when={shown()}>
      <aside
        id="visitor-sidebar"
        class="visitor-sidebar"
        classList={{ drawer: !wide() }}
        aria-labelledby="visitor-sidebar-title"
        onKeyDown={(e) => {
          if (e.key === 'Escape' && !wide()) {
            e.stopPropagation()
            close()
          }
        }}
      >
        <header class="sidebar-head">
          <button
            type="button"
            class="icon-button sidebar-back"
            aria-label={t('Back to conversation')}
            onClick={close}
          >
            <Icon name="back" />
          </button>
          <h2 id="visitor-sidebar-title" tabIndex={-1}>
            {t('Visitor details')}
          </h2>
          <button
            type="button"
            class="icon-button sidebar-close"
            aria-label={t('Close visitor details')}
            onClick={close}
          >
            <Icon name="close" />
          </button>
        </header>
        <div class="sidebar-body">
          <Show when={shownFor()} fallback={<p class="muted">{t('Loading…')}</p>}>
            {(b) => (
              <VisitorBody
                details={b().details}
                conversation={b().conversation}
                onOpen={openOther}
              />
            )}
          </Show>
        </div>
      </aside>
    </Show>
  )
}
