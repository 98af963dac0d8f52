/** Placeholder until the panel increment lands: says so plainly, offers logout. */
import { usePanel } from '../context.ts'

export function NotBuilt(props: { name: string }) {
  const panel = usePanel()
  return (
    <section class="card">
      <h1>Signed in as {props.name}</h1>
      <p>
        The operator panel is not built yet: the inbox, conversations and admin pages arrive in the
        next release. Until then, use the HTTP API or the realtime protocol described in
        docs/protocol.md.
      </p>
      <button type="button" onClick={() => void panel.actions.logout()}>
        Sign out
      </button>
    </section>
  )
}
