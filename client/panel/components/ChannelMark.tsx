/**
 * Where a conversation came from (issue 17), as an icon named for screen readers: e-mail (an
 * @), Telegram (its paper plane), the API (</>); from the widget, a live chat or a request left
 * while nobody was there. In the list and the search results it is the icon alone (its name
 * read, and shown as its tooltip); in the conversation's details (`named`, a channel's only) its
 * name shows beside it, and the tooltip says where the answers go.
 */
import type { Conversation } from '../../shared/index.ts'
import { Icon } from '../../shared/ui/Icon.tsx'
import { t, tx } from '../i18n.ts'

/** Icons none of the shared ones says (Telegram's is the shared paper plane, `send`). */
const PATHS: Partial<Record<string, string>> = {
  email: 'M16 12a4 4 0 1 1-8 0 4 4 0 0 1 8 0zM16 8v5a3 3 0 0 0 6 0v-1a10 10 0 1 0-3.9 7.9',
  api: 'M8 7l-5 5 5 5M16 7l5 5-5 5M13.5 4l-3 16',
}

export function ChannelMark(props: { of: Conversation; named?: boolean }) {
  const channel = () => props.of.channel
  const name = () => {
    const c = channel()
    if (c === 'email') return tx('channel', 'E-mail')
    if (c) return c === 'api' ? 'API' : 'Telegram'
    return props.of.offline ? t('Offline request') : t('Live chat')
  }
  /** Where the operators' answers go. */
  const hint = () => {
    const c = channel()
    return c === 'email'
      ? t('Answers go back by e-mail')
      : c === 'telegram'
        ? t('Answers go back to the Telegram chat')
        : t('Started through the API')
  }
  return (
    <span class="channel" title={props.named ? hint() : name()}>
      <Icon
        name={channel() ? 'send' : props.of.offline ? 'mail' : 'chat'}
        d={PATHS[channel() ?? '']}
        size={14}
      />
      <span class={props.named ? undefined : 'sr-only'}>{name()}</span>
    </span>
  )
}
