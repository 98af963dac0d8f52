/**
 * The proactive message atop the thread it may start (M6): shown while the visitor has no
 * conversation yet, as a message from its sender, so they see what they answer. Never sent: the
 * server writes its own copy first when their message starts the conversation.
 */
import { Show } from 'solid-js'
import { useWidget } from '../context.ts'
import { kit } from './offers.ts'
import { Sender } from './Sender.tsx'

export function Intro() {
  const w = useWidget()
  const { RichText } = kit()
  return (
    <Show when={w.state.campaign}>
      {(offer) => (
        <li class="row theirs" data-testid="campaign-intro">
          <div class="bubble">
            <span class="author">
              <Sender sender={offer().sender} />
              {offer().sender.name}
            </span>
            <span class="sr-only">: </span>
            <RichText text={offer().text} />
          </div>
        </li>
      )}
    </Show>
  )
}
