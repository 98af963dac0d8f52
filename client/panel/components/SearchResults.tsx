/** What a search found: one row per conversation with its matched words marked (issue 16). */
import { For, Show } from 'solid-js'
import type { SearchTextPart } from '../../../actors/ports.ts'
import type { SearchItem } from '../../../server/http/search.ts'
import { showControls } from '../../shared/index.ts'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { usePanel } from '../context.ts'
import { visitorLabel } from '../derive.ts'
import { STATUS_LABELS, when } from '../format.ts'
import { msg, t, tn } from '../i18n.ts'
import { ChannelMark } from './ChannelMark.tsx'
import '../search-results.css'

/** Text someone else wrote, the matched words in <mark>: DOM nodes, never HTML. */
function Marked(props: { parts: SearchTextPart[] }) {
  return (
    <bdi dir="auto">
      <For each={props.parts}>
        {(part) =>
          part.hit ? <mark>{showControls(part.text)}</mark> : <>{showControls(part.text)}</>
        }
      </For>
    </bdi>
  )
}

/** msg() keys (translated where shown); an attribute shows its own key instead. */
const FIELD_LABELS = {
  name: msg('Name'),
  email: msg('E-mail'),
  phone: msg('Phone'),
  attribute: '',
} as const

export function SearchResults(props: {
  query: string
  items: SearchItem[]
  total: number
  capped: boolean
  hasMore: boolean
  loading: boolean
  error: string | null
  onMore(): void
}) {
  const panel = usePanel()
  const status = () => {
    if (props.error) return props.error
    if (props.loading && props.items.length === 0) return t('Searching…')
    if (props.total === 0) return t('No conversations match “{query}”', { query: props.query })
    if (props.capped) return t('{n}+ results', { n: props.total })
    return tn(props.total, '{n} result', '{n} results')
  }
  const assignee = (item: SearchItem) => {
    if (!item.assignee) return t('Unassigned')
    if (item.assignee.id === panel.state.login?.operator.id) return t('You')
    return item.assignee.name || t('Colleague')
  }
  return (
    <div class="search-results">
      <p class="search-status muted" role="status">
        {showControls(status())}
      </p>
      <ul class="conversations search-list" aria-label={t('Search results')}>
        <For each={props.items}>
          {(item) => (
            <li>
              <button
                type="button"
                class="conversation-row search-hit"
                data-conversation-id={item.conversation.id}
                aria-current={panel.state.selectedId === item.conversation.id ? 'true' : undefined}
                onClick={() => void panel.actions.openConversation(item.conversation.id)}
              >
                <span class="row-main">
                  <span class="row-title">
                    <ChannelMark of={item.conversation} />
                    <SafeText
                      class="name"
                      text={
                        item.visitorLabel ??
                        visitorLabel(
                          panel.state,
                          item.conversation.visitorId,
                          undefined,
                          item.conversation.erasedAt !== undefined,
                        )
                      }
                    />
                    <time>
                      {when(item.conversation.lastMessageAt ?? item.conversation.createdAt)}
                    </time>
                  </span>
                  <span class="row-sub">
                    <span class="pill" data-status={item.conversation.status}>
                      {t(STATUS_LABELS[item.conversation.status])}
                    </span>
                    <SafeText class="muted" text={assignee(item)} />
                  </span>
                  <For each={item.visitorFields}>
                    {(field) => (
                      <span class="search-snippet">
                        <span class="muted">
                          {field.key === null
                            ? t(FIELD_LABELS[field.field])
                            : showControls(field.key)}
                          :{' '}
                        </span>
                        <Marked parts={field.snippet} />
                      </span>
                    )}
                  </For>
                  <For each={item.messages}>
                    {(hit) => (
                      <span class="search-snippet">
                        <span class="muted">
                          {hit.authorKind === 'visitor' ? t('Visitor') : t('Operator')},{' '}
                          {when(hit.at)}:{' '}
                        </span>
                        <Marked parts={hit.snippet} />
                      </span>
                    )}
                  </For>
                </span>
              </button>
            </li>
          )}
        </For>
      </ul>
      <Show when={props.hasMore}>
        <button
          type="button"
          class="secondary search-more"
          disabled={props.loading}
          onClick={() => props.onMore()}
        >
          {props.loading ? t('Loading…') : t('Load more')}
        </button>
      </Show>
    </div>
  )
}
