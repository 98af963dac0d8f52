/**
 * Proactive messages (M6), the widget's side, loaded only for an inbox that runs campaigns. Asks
 * which campaigns are offered to this visitor on this page (again when a single-page app moves
 * to another page), waits until the first is due (seconds since the frame page started: the
 * loader creates the frame with the page), has the server record the showing and only then
 * shows it; refused (already shown to this visitor, the inbox's frequency cap, no longer
 * offered), the next one due is tried. At most one per page load, and none while the chat is
 * open, the page hides the launcher, or the visitor has a conversation open or being written.
 */
import { createSignal } from 'solid-js'
import { httpJson } from '../../shared/http.ts'
import type { CampaignOffer } from '../../../protocol/campaigns.ts'
import type { WidgetConfig } from '../config.ts'
import type { HostBridge } from '../host.ts'
import type { VisitorSession } from '../session.ts'
import type { WidgetMutations, WidgetState } from '../store.ts'
import { strings } from '../i18n.ts'
import { campaignStrings } from './strings.ts'

/** What the widget hands over (widget.ts). */
export interface CampaignEnv {
  state: WidgetState
  m: WidgetMutations
  host: HostBridge
  session: VisitorSession
  config: WidgetConfig
}

/** How often the page's address and the chat are looked at while nothing is due. */
const CHECK_MS = 2000

/** What a shown message is drawn with, from the chat window's chunk (fetched before showing). */
export type ChatKit = Pick<typeof import('../components/ChatWindow.tsx'), 'RichText' | 'initials'>

let env: CampaignEnv | null = null
let chatKit: ChatKit | null = null
const [bubble, setBubble] = createSignal(false)

/** Whether the shown message is above the launcher (until opened, replied to or dismissed). */
export { bubble, setBubble }

/** The widget, once `run` was called (always, by the time anything is shown). */
export const campaignEnv = () => env as CampaignEnv
/** The chat window's parts, once fetched (always, by the time anything is shown). */
export const kit = () => chatKit as ChatKit

/** Starts watching for a due campaign; once per page load (later calls do nothing). */
export function run(e: CampaignEnv): void {
  if (env) return
  env = e
  void watch(e)
}

async function watch(e: CampaignEnv) {
  let url = ''
  let offers: CampaignOffer[] = []
  for (;;) {
    const page = webUrl(e.host.page()?.url ?? '')
    if (page !== url) {
      url = page
      offers = url ? await offered(e, url) : []
    }
    const now = performance.now() / 1000
    const due = offers.find((o) => o.afterSeconds <= now)
    if (due && quiet(e.state) && (chatKit ??= await chatWindow())) {
      offers = offers.filter((o) => o !== due)
      if (await claim(e, due)) return show(e, due)
      continue
    }
    const next = offers.map((o) => (o.afterSeconds - now) * 1000).filter((ms) => ms > 0)
    await new Promise((resolve) => setTimeout(resolve, Math.min(CHECK_MS, ...next)))
  }
}

/** Nothing in the way: the chat closed, the launcher shown, no conversation open or pending. */
function quiet(s: WidgetState): boolean {
  return !s.open && !s.hidden && s.pending.length === 0 && s.conversation?.status !== 'open'
}

/** The campaigns offered on this page, best first; none when they cannot be read. */
async function offered(e: CampaignEnv, url: string): Promise<CampaignOffer[]> {
  const { baseUrl, inboxId } = e.config
  // A known visitor says so (seen before, shown one lately); no visitor is made just to ask.
  const token = e.session.exists ? await e.session.token().catch(() => null) : null
  const query = `inboxId=${encodeURIComponent(inboxId)}&url=${encodeURIComponent(url)}`
  try {
    const path = `/api/visitor/campaigns?${query}&lang=${e.state.lang}`
    return (await httpJson<{ campaigns: CampaignOffer[] }>(baseUrl, path, { token })).campaigns
  } catch {
    return []
  }
}

/** The chat window's chunk; null while it cannot be fetched (offline: tried again later). */
function chatWindow(): Promise<ChatKit | null> {
  return import('../components/ChatWindow.tsx').catch(() => null)
}

/** Has the server record the showing (a visitor is made for it if need be); false: refused. */
async function claim(e: CampaignEnv, offer: CampaignOffer): Promise<boolean> {
  try {
    const path = `/api/visitor/campaigns/${encodeURIComponent(offer.id)}/shown`
    await httpJson(e.config.baseUrl, path, { body: {}, token: await e.session.token() })
    return true
  } catch {
    return false
  }
}

function show(e: CampaignEnv, offer: CampaignOffer) {
  // The team's name is the widget's title (the generic one when the inbox has none).
  const sender = { ...offer.sender, name: offer.sender.name || strings(e.state.lang).title }
  e.m.setCampaign({ ...offer, sender })
  setBubble(true)
  e.m.announce(`${campaignStrings(e.state.lang).from(sender.name)}: ${offer.text}`)
}

/** An http(s) address, without its fragment (no part of what a campaign matches), else ''. */
function webUrl(url: string): string {
  return /^https?:\/\//i.test(url) ? url.replace(/#.*/s, '').slice(0, 2048) : ''
}
