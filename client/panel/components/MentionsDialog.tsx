/**
 * Mentions (issue 20), from the account menu: the private notes in which colleagues mentioned
 * this operator, newest first (`GET /api/me/mentions`), each with who, when and its first
 * words; choosing one opens its conversation and scrolls to the note when that is on screen.
 * "Load more" pages on.
 */
import { createSignal, For, Show } from 'solid-js'
import { httpJson } from '../../shared/index.ts'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { authorName } from '../activity.ts'
import { describe } from '../chat.ts'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import { snoozeTime } from '../snooze.ts'
import { Modal } from './Modal.tsx'
import '../mentions.css'

interface Mention {
  conversationId: string
  seq: number
  at: number
  by: { kind: 'operator'; id: string }
  excerpt: string
}

/** How long the opened thread is looked at for the note (its history loads meanwhile). */
const FIND_NOTE_MS = 5000

export function MentionsDialog(props: { onClose: () => void }) {
  const panel = usePanel()
  const [items, setItems] = createSignal<Mention[]>([])
  const [next, setNext] = createSignal<string | null>(null)
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal('')

  let list!: HTMLUListElement
  const load = async (cursor: string | null) => {
    if (busy()) return
    const shown = items().length
    setBusy(true)
    setError('')
    try {
      const page = await httpJson<{ items: Mention[]; nextCursor: string | null }>(
        panel.http.baseUrl,
        `/api/me/mentions${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token: panel.http.token() },
      )
      setItems((list) => [...list, ...page.items])
      setNext(page.nextCursor)
      // "Load more" may be gone: the focus goes on to the first of the new ones.
      if (cursor) list.querySelectorAll('button')[shown]?.focus()
      for (const item of page.items) {
        const known = panel.state.conversations.find((c) => c.id === item.conversationId)
        void panel.actions.learnNames(known ?? { id: item.conversationId }, [item.by.id])
      }
    } catch (e) {
      setError(describe(e))
    } finally {
      setBusy(false)
    }
  }
  void load(null)

  const open = async (item: Mention, close: () => void) => {
    close()
    await panel.actions.openConversation(item.conversationId)
    const until = Date.now() + FIND_NOTE_MS
    const find = () => {
      const note = document.querySelector(`.note-row[data-seq="${item.seq}"]`)
      if (note) note.scrollIntoView({ block: 'center' })
      else if (Date.now() < until) requestAnimationFrame(find)
    }
    find()
  }

  return (
    <Modal title={t('Mentions')} class="operator-dialog" onClose={props.onClose}>
      {(close) => (
        <div class="dialog-body">
          <ul class="mentions" ref={list} aria-label={t('Mentions')} aria-busy={busy()}>
            <For each={items()}>
              {(item) => (
                <li>
                  <button type="button" class="mention-item" onClick={() => void open(item, close)}>
                    <span>
                      <SafeText text={authorName(panel.state, item.by)} />{' '}
                      <time class="muted" dateTime={new Date(item.at).toISOString()}>
                        {snoozeTime(item.at)}
                      </time>
                    </span>
                    <SafeText text={item.excerpt} />
                  </button>
                </li>
              )}
            </For>
          </ul>
          <Show when={!busy() && !error() && items().length === 0}>
            <p class="muted">{t('No one has mentioned you in a note yet.')}</p>
          </Show>
          <Show when={error()}>
            <p class="error" role="alert">
              {error()}
            </p>
          </Show>
          <div class="form-foot">
            <Show when={next()}>
              {(cursor) => (
                <button type="button" class="secondary" onClick={() => void load(cursor())}>
                  {t('Load more')}
                </button>
              )}
            </Show>
            <button type="button" class="secondary" onClick={close}>
              {t('Close')}
            </button>
          </div>
        </div>
      )}
    </Modal>
  )
}
