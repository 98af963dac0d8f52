/**
 * @mentions in a private note: `@` at the start of the draft or after a space opens a list of
 * the inbox's team (one's self left out) whose name contains what follows. A listbox tied to
 * the composer's textarea (aria-controls, aria-activedescendant): Up/Down move, Enter or Tab
 * insert "@Name ", Escape dismisses until the word changes, a click inserts. Active only while
 * the composer writes a note. Who is mentioned is read from the text when it is sent
 * (`mentionsIn`), so a mention deleted from the draft is no mention.
 */
import { For, onMount, Show } from 'solid-js'
import { MAX_NOTE_MENTIONS } from '../../../protocol/limits.ts'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import type { Team } from '../api.ts'
import { createCompletion } from '../completion.ts'
import { usePanel } from '../context.ts'
import { selected } from '../derive.ts'
import { t } from '../i18n.ts'
import type { PanelState } from '../store.ts'

type Member = Team['operators'][number]

/** `@` and the word right before the caret (the `@` at the start or after a space). */
const TOKEN = /(^|\s)@([^\s@]*)$/
const SHOWN = 8

/** The inbox's team but the signed-in operator. */
function colleagues(state: PanelState): Member[] {
  const inboxId = selected(state)?.inboxId
  const me = state.login?.operator.id
  return (inboxId ? (state.teams[inboxId]?.operators ?? []) : []).filter((op) => op.id !== me)
}

/** The colleagues a note's text mentions ("@Name"), longest names first, at most the limit. */
export function mentionsIn(state: PanelState, text: string): string[] {
  return colleagues(state)
    .filter((op) => text.includes(`@${op.name}`))
    .map((op) => op.id)
    .slice(0, MAX_NOTE_MENTIONS)
}

export function MentionPicker(props: { enabled: boolean }) {
  const panel = usePanel()
  let host!: HTMLDivElement
  const c = createCompletion<Member>({
    enabled: () => props.enabled,
    token(value, caret) {
      const match = TOKEN.exec(value.slice(0, caret))
      if (!match) return null
      const query = match[2] ?? ''
      return { from: caret - query.length - 1, query }
    },
    matches(query) {
      const q = query.toLowerCase()
      return colleagues(panel.state)
        .filter((op) => op.name.toLowerCase().includes(q))
        .slice(0, SHOWN)
    },
    onQuery() {
      const conversation = selected(panel.state)
      if (conversation) void panel.actions.loadTeam(conversation.inboxId).catch(() => undefined)
    },
    text: (op) => `@${op.name} `,
  })
  onMount(() => c.attach(host))

  return (
    <div ref={host} class="mention-host">
      <Show when={c.open()}>
        <ul id={c.id} class="mention-list" role="listbox" aria-label={t('Mention a colleague')}>
          <For each={c.matches()}>
            {(op, i) => (
              <li
                id={c.optionId(i())}
                role="option"
                aria-selected={c.isActive(i())}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => c.pick(op)}
              >
                @<SafeText text={op.name} />
              </li>
            )}
          </For>
        </ul>
      </Show>
    </div>
  )
}
