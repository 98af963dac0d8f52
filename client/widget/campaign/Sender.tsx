/**
 * The face a proactive message comes with: its sender's picture, or initials (as Face.tsx draws
 * them) when there is none or it does not load. Beside the name always: hidden from screen readers.
 */
import { createSignal, Show } from 'solid-js'
import type { CampaignOffer } from '../../../protocol/campaigns.ts'
import { useWidget } from '../context.ts'
import { kit } from './offers.ts'

export function Sender(props: { sender: CampaignOffer['sender'] }) {
  const w = useWidget()
  const [failed, setFailed] = createSignal(false)
  const src = () => {
    const id = props.sender.avatarId
    return id && !failed() ? `${w.config.baseUrl}/api/avatars/${encodeURIComponent(id)}` : null
  }
  return (
    <span
      class="face"
      data-initials={src() ? undefined : kit().initials(props.sender.name)}
      aria-hidden="true"
    >
      <Show when={src()}>
        {(url) => <img src={url()} alt="" decoding="async" onError={() => setFailed(true)} />}
      </Show>
    </span>
  )
}
