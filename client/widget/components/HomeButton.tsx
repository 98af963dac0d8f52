/**
 * The header's way home (15): back to the visitor's conversations, once they have one, with
 * the unread messages waiting in the others; from the start when the inbox has a help center
 * (issue 21: its search is at home). The home view's chunk is fetched as soon as the
 * button shows, so going home does not wait for it.
 */
import { onMount, Show } from 'solid-js'
import { useWidget } from '../context.ts'
import { Icon } from '../../shared/ui/Icon.tsx'

export function HomeButton() {
  const w = useWidget()
  const others = () =>
    w.state.list.reduce((n, c) => (c.id === w.state.conversation?.id ? n : n + c.unread), 0)
  const label = () =>
    others() > 0 ? `${w.t.conversations}. ${w.t.unread(others())}` : w.t.conversations
  return (
    <Show
      when={
        !w.state.home &&
        (w.state.list.length > 0 || w.state.conversation || w.state.availability?.help)
      }
    >
      {(_) => {
        onMount(() => void import('./Home.tsx').catch(() => undefined))
        return (
          <button
            id="pw-home"
            type="button"
            class="icon-button home-button"
            aria-label={label()}
            title={w.t.conversations}
            onClick={() => w.actions.home()}
          >
            <Icon name="back" />
            <Show when={others() > 0}>
              <span class="badge" data-testid="others-unread" aria-hidden="true">
                {others() > 99 ? '99+' : others()}
              </span>
            </Show>
          </button>
        )
      }}
    </Show>
  )
}
