/**
 * The history: the team's greeting (before the first message; shown here, never sent), or the
 * proactive message the visitor is answering (M6; the server's copy replaces it), stored
 * messages with the operators who joined between them ("Anna joined the conversation", with
 * their face), then the visitor's pending ones, and the thanks for a request left offline.
 * Then, as the case may be: the pre-chat form's card after the first message (`after` mode),
 * the line saying the conversation was resolved or closed (writing reopens it), and the rating
 * card for that resolution (C10) until it is rated or declined, then the thanks.
 * Stays pinned to the bottom while the visitor is there; scrolling near the top loads the page
 * before the first message and keeps the visible messages where they were.
 */
import { createEffect, createMemo, For, on, onMount, Show } from 'solid-js'
import type { Message } from '../../shared/index.ts'
import { useWidget } from '../context.ts'
import { fieldValue, isMine, preChatForm } from '../derive.ts'
import { Face } from './Face.tsx'
import { CampaignIntro, DetailsForm, RatingCard } from './lazy.ts'
import { MessageItem } from './MessageItem.tsx'

const NEAR_PX = 80

export function MessageList() {
  const w = useWidget()
  let list: HTMLDivElement | undefined
  let pinned = true
  const thread = createMemo(() =>
    [...w.state.messages, ...w.state.joins].sort((a, b) => a.seq - b.seq),
  )
  /** The first of a run by one author: where their name shows. */
  const head = (i: number) => {
    const [prev, item] = [thread()[i - 1], thread()[i] as Message]
    return !prev || !('author' in prev) || prev.author.id !== item.author.id
  }
  const toBottom = () => {
    if (list) list.scrollTop = list.scrollHeight
  }
  onMount(toBottom)
  /** A card loaded after the thread (its own chunk) keeps the view at the bottom. */
  const shown = () => {
    if (pinned) toBottom()
  }
  /** The rating card's case: asking on the inbox's scale, or thanking for the rating given. */
  const rating = createMemo(() => {
    const c = w.state.conversation
    const seq = w.state.resolution
    if (!c || c.status === 'open' || seq === null) return null
    const given = w.state.ratings[seq]
    // Declined: never asked again, nothing to thank for.
    if (given) return given.score === null ? null : { scale: given.scale, given }
    const scale = w.state.availability?.rating
    return scale && scale !== 'off' ? { scale, given: null } : null
  })
  /** The pre-chat form's card (`after`): once the visitor wrote, while an answer is missing. */
  const wantsAfter = () =>
    preChatForm(w.state).mode === 'after' &&
    !!w.state.conversation &&
    !w.state.detailsAsked &&
    !w.state.detailsOpen &&
    (w.state.pending.length > 0 || w.state.messages.some((m) => isMine(w.state, m)))
  createEffect(() => {
    if (wantsAfter() && !w.state.profile) void w.actions.profile()
  })
  const afterCard = () => {
    const profile = w.state.profile
    return (
      wantsAfter() &&
      !!profile &&
      preChatForm(w.state).fields.some((f) => fieldValue(profile, f.key) === '')
    )
  }
  createEffect(
    on(
      () => [thread().length, w.state.pending.length, w.state.typing.length, w.state.queue],
      () => {
        if (pinned) toBottom()
      },
    ),
  )
  // The visitor's own new message always brings the view down.
  createEffect(
    on(
      () => w.state.pending.length,
      (n, prev) => {
        if (prev !== undefined && n > prev) {
          pinned = true
          toBottom()
        }
      },
    ),
  )
  const onScroll = async () => {
    if (!list) return
    pinned = list.scrollHeight - list.scrollTop - list.clientHeight < NEAR_PX
    if (list.scrollTop > NEAR_PX || !w.state.hasMore || w.state.loadingOlder) return
    const height = list.scrollHeight
    await w.actions.loadOlder()
    list.scrollTop += list.scrollHeight - height
  }
  return (
    <div class="messages" ref={list} onScroll={() => void onScroll()} tabIndex={0}>
      <Show when={w.state.loadingOlder}>
        <p class="older">{w.t.loadingOlder}</p>
      </Show>
      <ol class="list" aria-label={w.t.messages}>
        <Show when={w.state.campaign && !w.state.conversation}>
          <CampaignIntro />
        </Show>
        <Show
          when={
            !w.state.campaign &&
            w.state.messages.length === 0 &&
            !w.state.hasMore &&
            w.state.availability?.greeting
          }
        >
          {(text) => (
            <li class="row theirs greeting">
              <div class="bubble">{text()}</div>
            </li>
          )}
        </Show>
        <For each={thread()}>
          {(item, i) =>
            'author' in item ? (
              <MessageItem message={item} head={head(i())} />
            ) : (
              <li class="joined">
                <Show when={w.actions.name(item.operatorId)}>
                  {(name) => <Face operatorId={item.operatorId} name={name()} />}
                </Show>
                {w.t.joined(w.actions.name(item.operatorId))}
              </li>
            )
          }
        </For>
        <For each={w.state.pending}>{(message) => <MessageItem message={message} />}</For>
      </ol>
      <div role="status">
        <Show when={w.state.thanks}>
          {(email) => <p class="system-note">{w.t.thanks(email())}</p>}
        </Show>
      </div>
      <Show when={afterCard()}>
        <DetailsForm
          mode="after"
          onShow={shown}
          onClose={() => document.querySelector<HTMLElement>('.composer textarea')?.focus()}
        />
      </Show>
      <Show when={w.state.conversation?.status !== 'open' && w.state.conversation?.status}>
        {(status) => (
          <p class="system-note" data-testid="resolved">
            {status() === 'closed' ? w.t.closedConversation : w.t.resolved}
          </p>
        )}
      </Show>
      <Show when={rating()}>
        {(r) => <RatingCard scale={r().scale} given={r().given} onShow={shown} />}
      </Show>
    </div>
  )
}
