/**
 * Canned replies in the composer: `/` at the start of the draft or after a space opens a list
 * of the replies whose shortcut starts with (or whose title contains) what follows. It is a
 * listbox tied to the composer's textarea (aria-controls, aria-activedescendant); Up/Down move,
 * Enter or Tab insert, Escape dismisses until the word changes, a click inserts. The `/word`
 * becomes the reply's text with `{visitor.name}` and `{operator.name}` filled in.
 */
import { For, onMount, Show } from 'solid-js'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import type { CannedReply } from '../api.ts'
import { fillReply, matchReplies, slashToken } from '../canned.ts'
import { createCompletion } from '../completion.ts'
import { usePanel } from '../context.ts'
import { selected } from '../derive.ts'
import { t } from '../i18n.ts'
import '../canned.css'

/** The name visitors see for an operator: the display name, else the first word of the name. */
const shownName = (op: { name: string; displayName: string | null }) =>
  op.displayName ?? op.name.trim().split(/\s+/)[0] ?? op.name

export function CannedPicker() {
  const panel = usePanel()
  let host!: HTMLDivElement
  const inboxId = () => selected(panel.state)?.inboxId ?? null
  const c = createCompletion<CannedReply>({
    token: slashToken,
    matches(query) {
      const inbox = inboxId()
      const replies = inbox ? panel.state.canned[inbox] : undefined
      return replies ? matchReplies(replies, query) : []
    },
    onQuery() {
      const inbox = inboxId()
      if (inbox) void panel.actions.cannedFor(inbox)
    },
    text(reply) {
      const visitor = panel.state.visitor
      const op = panel.state.login?.operator
      return fillReply(reply.text, {
        visitor:
          visitor?.conversationId === panel.state.selectedId ? (visitor?.visitor.name ?? '') : '',
        operator: op ? shownName(op) : '',
      })
    },
  })
  onMount(() => c.attach(host))

  return (
    <div ref={host} class="canned-host">
      <Show when={c.open()}>
        <ul id={c.id} class="canned-list" role="listbox" aria-label={t('Canned replies')}>
          <For each={c.matches()}>
            {(reply, i) => (
              <li
                id={c.optionId(i())}
                role="option"
                aria-selected={c.isActive(i())}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => c.pick(reply)}
              >
                <span class="canned-code">/{reply.shortcut}</span>
                <SafeText class="canned-title" text={reply.title} />
                <SafeText class="canned-preview" text={reply.text} />
              </li>
            )}
          </For>
        </ul>
      </Show>
    </div>
  )
}
