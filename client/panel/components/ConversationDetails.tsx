/**
 * Under the conversation's title: who the visitor is (name, e-mail, phone, whether the site
 * identified them), where they are (GeoIP), its branch and its assignee; then, in a disclosure,
 * the page they are on (title linked to its URL, referrer, language, time zone, browser, OS and
 * device) and their attributes. Everything the visitor or their browser said is shown as text.
 * Learns the names it shows (and those of the thread's transfers) as they come up.
 */
import { createEffect, createSignal, For, onCleanup, Show } from 'solid-js'
import type { Conversation } from '../../shared/index.ts'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import type { VisitorContext } from '../api.ts'
import { usePanel } from '../context.ts'
import { branchName, operatorName } from '../derive.ts'
import { languageName, placeName, timeIn } from '../format.ts'

/** Whether the page and attributes are shown: kept while the panel is open (wide screens: yes). */
let moreOpen: boolean | null = null

const isWeb = (url: string) => /^https?:\/\//i.test(url)
/** A phone number as a tel: link takes it: digits and a leading +. */
const telOf = (phone: string) => phone.replace(/(?!^\+)[^\d]/g, '')
/** "Chrome 131 · macOS 14 · desktop"; the raw User-Agent when it named none of them. */
const deviceOf = (c: VisitorContext) =>
  [c.browser, c.os, c.device].filter(Boolean).join(' · ') || c.userAgent || ''

export function ConversationDetails(props: { conversation: Conversation }) {
  const panel = usePanel()
  createEffect(() => {
    const ids = [props.conversation.assigneeId]
    for (const t of panel.state.transfers) {
      ids.push(t.data.assigneeId, t.data.by.kind === 'operator' ? t.data.by.id : null)
    }
    void panel.actions.learnNames(props.conversation, ids)
  })
  const branch = () => {
    const id = props.conversation.branchId
    return id ? branchName(panel.state, props.conversation.inboxId, id) : null
  }
  const assignee = () => {
    const id = props.conversation.assigneeId
    if (!id) return 'Unassigned'
    if (id === panel.state.login?.operator.id) return 'You'
    return operatorName(panel.state, id) ?? 'A colleague'
  }
  const details = () => {
    const d = panel.state.visitor
    return d && d.conversationId === props.conversation.id ? d : null
  }
  const profile = () => details()?.visitor ?? null
  /** The page context, when it tells anything (a session without a page or a known browser). */
  const context = () => {
    const c = details()?.context
    return c && (c.url || c.referrer || c.language || c.timeZone || deviceOf(c)) ? c : null
  }
  const attributes = () =>
    Object.entries(profile()?.attributes ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))
  const hasMore = () => context() !== null || attributes().length > 0
  const [open, setOpen] = createSignal(moreOpen ?? window.matchMedia('(min-width: 721px)').matches)
  return (
    <>
      <dl class="conv-details">
        <Show when={profile()?.name}>
          {(name) => (
            <div>
              <dt>Name</dt>
              <dd data-testid="visitor-name">
                <SafeText text={name()} />
              </dd>
            </div>
          )}
        </Show>
        <Show when={profile()?.email}>
          {(email) => (
            <div>
              <dt>E-mail</dt>
              <dd data-testid="visitor-email">
                <a href={`mailto:${encodeURIComponent(email()).replace('%40', '@')}`}>
                  <SafeText text={email()} />
                </a>
              </dd>
            </div>
          )}
        </Show>
        <Show when={profile()?.phone}>
          {(phone) => (
            <div>
              <dt>Phone</dt>
              <dd>
                <a href={`tel:${telOf(phone())}`}>
                  <SafeText text={phone()} />
                </a>
              </dd>
            </div>
          )}
        </Show>
        <Show when={profile()?.identified}>
          <div>
            <dt class="sr-only">Identity</dt>
            <dd>
              <span class="pill identified" title="Signed in on the site (identity check)">
                Identified
              </span>
            </dd>
          </div>
        </Show>
        <Show when={props.conversation.location}>
          {(location) => (
            <div>
              <dt>Location</dt>
              <dd>
                <SafeText text={placeName(location())} />
              </dd>
            </div>
          )}
        </Show>
        <Show when={branch()}>
          {(name) => (
            <div>
              <dt>Branch</dt>
              <dd>
                <SafeText text={name()} />
              </dd>
            </div>
          )}
        </Show>
        <div>
          <dt>Assigned to</dt>
          <dd data-testid="assignee">
            <SafeText text={assignee()} />
          </dd>
        </div>
      </dl>
      <Show when={hasMore()}>
        <details
          class="visitor-more"
          open={open()}
          onToggle={(e) => {
            moreOpen = e.currentTarget.open
            setOpen(moreOpen)
          }}
        >
          <summary>Page and attributes</summary>
          {/* It scrolls when long: focusable, so the keyboard scrolls it too. */}
          <div class="visitor-grid" tabIndex={0} role="region" aria-label="Page and attributes">
            <Show when={context()}>{(c) => <PageContext context={c()} />}</Show>
            <Show when={attributes().length > 0}>
              <section class="visitor-section">
                <h3>Attributes</h3>
                <dl class="visitor-list" data-testid="visitor-attributes">
                  <For each={attributes()}>
                    {([key, value]) => (
                      <div>
                        <dt>
                          <SafeText text={key} />
                        </dt>
                        <dd>
                          <SafeText
                            text={
                              typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value)
                            }
                          />
                        </dd>
                      </div>
                    )}
                  </For>
                </dl>
              </section>
            </Show>
          </div>
        </details>
      </Show>
    </>
  )
}

/** The page the visitor is on, and what their browser told about them. */
function PageContext(props: { context: VisitorContext }) {
  const [now, setNow] = createSignal(Date.now())
  const timer = setInterval(() => setNow(Date.now()), 30_000)
  onCleanup(() => clearInterval(timer))
  const device = () => deviceOf(props.context)
  return (
    <section class="visitor-section">
      <h3>Page and browser</h3>
      <dl class="visitor-list" data-testid="visitor-context">
        <Show when={props.context.url}>
          {(url) => (
            <div>
              <dt>Page</dt>
              <dd>
                <Show
                  when={isWeb(url())}
                  fallback={<SafeText text={props.context.title || url()} />}
                >
                  <a
                    href={url()}
                    target="_blank"
                    rel="noopener noreferrer nofollow"
                    title={url()}
                    class="page-link"
                  >
                    <SafeText text={props.context.title || url()} />
                  </a>
                </Show>
              </dd>
            </div>
          )}
        </Show>
        <Show when={props.context.referrer}>
          {(referrer) => (
            <div>
              <dt>Came from</dt>
              <dd>
                <SafeText text={referrer()} />
              </dd>
            </div>
          )}
        </Show>
        <Show when={props.context.language}>
          {(tag) => (
            <div>
              <dt>Language</dt>
              <dd>
                <SafeText text={languageName(tag())} />
              </dd>
            </div>
          )}
        </Show>
        <Show when={props.context.timeZone}>
          {(zone) => (
            <div>
              <dt>Time zone</dt>
              <dd>
                <SafeText text={zone()} />
                <Show when={timeIn(zone(), now())}>
                  {(time) => <span class="muted"> (now {time()} there)</span>}
                </Show>
              </dd>
            </div>
          )}
        </Show>
        <Show when={device()}>
          <div>
            <dt>Browser</dt>
            <dd title={props.context.userAgent ?? undefined}>
              <SafeText text={device()} />
            </dd>
          </div>
        </Show>
      </dl>
    </section>
  )
}
