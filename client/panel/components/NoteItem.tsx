/**
 * A private note in the thread: amber, labelled "Private note" with a lock, its author and time,
 * the text (never HTML) and the colleagues it mentions as chips. Only operators ever get notes.
 */
import { For, Show } from 'solid-js'
import { RichText } from '../../shared/ui/RichText.tsx'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { usePanel } from '../context.ts'
import { clock } from '../format.ts'
import { t } from '../i18n.ts'
import type { NoteLine } from '../store.ts'
import { byRule, nameOf } from '../activity.ts'
import '../notes.css'

export function NoteItem(props: { line: NoteLine }) {
  const panel = usePanel()
  const note = () => props.line.data.note
  return (
    <li class="row note-row" data-seq={props.line.seq} data-note-id={note().id}>
      <article class="bubble note" aria-label={t('Private note')}>
        <header class="note-head">
          <svg class="icon" width="14" height="14" viewBox="0 0 24 24" aria-hidden="true">
            <path
              d="M6 11h12v9H6z M8.5 11V8a3.5 3.5 0 0 1 7 0v3"
              fill="none"
              stroke="currentColor"
              stroke-width="2"
              stroke-linejoin="round"
            />
          </svg>
          <span class="note-label">{t('Private note')}</span>
          <SafeText
            class="note-author"
            text={
              byRule(note().author) ? t('Automation rule') : nameOf(panel.state, note().author.id)
            }
          />
          <time dateTime={new Date(note().createdAt).toISOString()}>{clock(note().createdAt)}</time>
        </header>
        {/* A note is never empty when written: an empty one was erased (issue 18). */}
        <Show when={note().text !== ''} fallback={<em>{t('Note erased')}</em>}>
          <RichText text={note().text} />
        </Show>
        <Show when={note().mentions.length > 0}>
          <ul class="mention-chips" aria-label={t('Mentioned')}>
            <For each={note().mentions}>
              {(id) => (
                <li class="mention-chip">
                  @<SafeText text={nameOf(panel.state, id)} />
                </li>
              )}
            </For>
          </ul>
        </Show>
      </article>
    </li>
  )
}
