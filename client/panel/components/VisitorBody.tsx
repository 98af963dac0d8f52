/**
 * The visitor sidebar's content: contact (editable), the conversation's custom attributes
 * (issue 20, editable), the page and browser with the visitor's local time, the visitor's
 * attributes (those the inbox defines editable, free-form ones as text), pages visited and past
 * conversations. Loaded on demand.
 */
import { createSignal, For, onCleanup, Show } from 'solid-js'
import type { Conversation } from '../../shared/index.ts'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import type { VisitorContext } from '../api.ts'
import {
  attributesOf,
  definitions,
  refusalText,
  saveAttributes,
  valueText,
} from '../attributes/defs.ts'
import { usePanel } from '../context.ts'
import { languageName, timeIn } from '../format.ts'
import { t } from '../i18n.ts'
import type { VisitorDetails } from '../store.ts'
import { AttributeSection } from './AttributeSection.tsx'
import { VisitorContact } from './VisitorContact.tsx'
import { VisitorHistory } from './VisitorHistory.tsx'

const isWeb = (url: string) => /^https?:\/\//i.test(url)
/** "Chrome 131 · macOS 14 · desktop"; the raw User-Agent when it named none of them. */
const deviceOf = (c: VisitorContext) =>
  [c.browser, c.os, c.device].filter(Boolean).join(' · ') || c.userAgent || ''

/** A page title linked to its URL (opening apart); plain text when it is not a web address. */
export function PageLink(props: { url: string; title: string | null }) {
  return (
    <Show when={isWeb(props.url)} fallback={<SafeText text={props.title || props.url} />}>
      <a href={props.url} target="_blank" rel="noopener noreferrer nofollow" title={props.url}>
        <SafeText text={props.title || props.url} />
      </a>
    </Show>
  )
}

export default function VisitorBody(props: {
  details: VisitorDetails
  conversation: Conversation
  onOpen: (id: string) => void
}) {
  const panel = usePanel()
  const inboxId = () => props.conversation.inboxId
  /** Free-form ones: those the inbox does not define (the site's own, untyped). */
  const freeForm = () =>
    Object.entries(props.details.visitor.attributes)
      .filter(
        ([key]) => !definitions[inboxId()]?.some((d) => d.scope === 'visitor' && d.key === key),
      )
      .sort(([a], [b]) => (a < b ? -1 : 1))
  return (
    <>
      <VisitorContact details={props.details} location={props.conversation.location ?? null} />
      <AttributeSection
        title={t('Conversation attributes')}
        inboxId={inboxId()}
        scope="conversation"
        values={attributesOf(props.conversation)}
        save={(key, value) => saveAttributes(panel.http, props.conversation.id, { [key]: value })}
      />
      <Show when={props.details.context}>{(c) => <PageContext context={c()} />}</Show>
      <AttributeSection
        title={t('Attributes')}
        inboxId={inboxId()}
        scope="visitor"
        values={props.details.visitor.attributes}
        extra={freeForm().length > 0}
        save={async (key, value) => {
          const refused = await panel.actions.saveVisitor({ attributes: { [key]: value } })
          return refused && refusalText(refused)
        }}
      >
        <Show when={freeForm().length > 0}>
          <dl class="visitor-list" data-testid="visitor-attributes">
            <For each={freeForm()}>
              {([key, value]) => (
                <div>
                  <dt>
                    <SafeText text={key} />
                  </dt>
                  <dd>
                    <SafeText text={valueText(value)} />
                  </dd>
                </div>
              )}
            </For>
          </dl>
        </Show>
      </AttributeSection>
      <VisitorHistory details={props.details} onOpen={props.onOpen} />
    </>
  )
}

/** The visitor's time now, moved on at each minute. */
function useMinute() {
  const [now, setNow] = createSignal(Date.now())
  let timer: ReturnType<typeof setTimeout> | undefined
  const tick = () => {
    setNow(Date.now())
    timer = setTimeout(tick, 60_000 - (Date.now() % 60_000))
  }
  timer = setTimeout(tick, 60_000 - (Date.now() % 60_000))
  onCleanup(() => clearTimeout(timer))
  return now
}

/** The page the visitor is on, and what their browser told about them. */
function PageContext(props: { context: VisitorContext }) {
  const now = useMinute()
  const device = () => deviceOf(props.context)
  return (
    <section class="visitor-section">
      <h3>{t('Page and browser')}</h3>
      <dl class="visitor-list" data-testid="visitor-context">
        <Show when={props.context.url}>
          {(url) => (
            <div>
              <dt>{t('Page')}</dt>
              <dd class="page-link">
                <PageLink url={url()} title={props.context.title} />
              </dd>
            </div>
          )}
        </Show>
        <Show when={props.context.referrer}>
          {(referrer) => (
            <div>
              <dt>{t('Came from')}</dt>
              <dd>
                <SafeText text={referrer()} />
              </dd>
            </div>
          )}
        </Show>
        <Show when={props.context.language}>
          {(tag) => (
            <div>
              <dt>{t('Language')}</dt>
              <dd>
                <SafeText text={languageName(tag())} />
              </dd>
            </div>
          )}
        </Show>
        <Show when={props.context.timeZone}>
          {(zone) => (
            <div>
              <dt>{t('Local time')}</dt>
              <dd data-testid="visitor-time">
                <SafeText text={zone()} />
                <Show when={timeIn(zone(), now())}>
                  {(time) => (
                    <span class="muted"> {t('(now {time} there)', { time: time() })}</span>
                  )}
                </Show>
              </dd>
            </div>
          )}
        </Show>
        <Show when={device()}>
          <div>
            <dt>{t('Browser')}</dt>
            <dd title={props.context.userAgent ?? undefined}>
              <SafeText text={device()} />
            </dd>
          </div>
        </Show>
      </dl>
    </section>
  )
}
