/** Title, connection status in words, and the close button. */
import { useWidget } from '../context.ts'
import { Icon } from '../../shared/ui/Icon.tsx'

export function Header() {
  const w = useWidget()
  const status = () => {
    const c = w.state.connection
    if (c === 'connected' || c === 'idle') return { key: 'online', text: w.t.replyTime }
    if (c === 'connecting' && w.state.messages.length === 0)
      return { key: 'connecting', text: w.t.connecting }
    return { key: 'offline', text: w.t.offline }
  }
  return (
    <header class="header">
      <div class="avatar" aria-hidden="true">
        <Icon name="chat" size={22} filled />
      </div>
      <div class="heading">
        <h1 class="title">{w.t.title}</h1>
        <p class="status" data-connection={status().key}>
          <span class="dot" aria-hidden="true" />
          {status().text}
        </p>
      </div>
      <button
        type="button"
        class="icon-button header-close"
        aria-label={w.t.closeChat}
        onClick={() => w.actions.close()}
      >
        <Icon name="close" />
      </button>
    </header>
  )
}
