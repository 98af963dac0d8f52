/**
 * The signed-in frame: the menu (pages, unread badge, status switch, the operator's own menu,
 * sign out), the page, and the notice of a conversation transferred to this operator.
 */
import { createSignal, lazy, Match, onCleanup, onMount, Show, Switch } from 'solid-js'
import { usePanel } from '../context.ts'
import { msg, t } from '../i18n.ts'
import { handleShortcut } from '../shortcuts.ts'
import type { Page } from '../store.ts'
import { InboxPage } from './InboxPage.tsx'
import { StatusSwitch } from './StatusSwitch.tsx'
import { MentionToast } from './MentionToast.tsx'
import { TransferToast } from './TransferToast.tsx'
import { UserMenu } from './UserMenu.tsx'

// The admin pages and the canned replies' page load when first opened: an operator who only
// answers chats never downloads them (the panel's first load stays small).
const CannedReplies = lazy(() =>
  import('./CannedReplies.tsx').then((m) => ({ default: m.CannedReplies })),
)
// The shortcuts' help is in the chunk of the operator's own dialogs (see account-dialogs.ts).
const ShortcutsHelp = lazy(() =>
  import('./account-dialogs.ts').then((m) => ({ default: m.ShortcutsHelp })),
)
// The admin area (inbox forms, branches, webhooks, API tokens, operators, audit log, data
// requests) is one chunk: see the module.
const admin = () => import('./settings-area.ts')
const InboxSettings = lazy(() => admin().then((m) => ({ default: m.InboxSettings })))
const Branches = lazy(() => admin().then((m) => ({ default: m.Branches })))
const Webhooks = lazy(() => admin().then((m) => ({ default: m.Webhooks })))
const ApiTokens = lazy(() => admin().then((m) => ({ default: m.ApiTokens })))
const Operators = lazy(() => admin().then((m) => ({ default: m.Operators })))
const AuditLog = lazy(() => admin().then((m) => ({ default: m.AuditLog })))
const DataRequests = lazy(() => admin().then((m) => ({ default: m.DataRequests })))
const Overview = lazy(() => import('./Overview.tsx').then((m) => ({ default: m.Overview })))
// The dashboard and its charts' library are an on-demand chunk with a budget of its own.
/** An SLA breach of a conversation of this operator's (issue 20), with the thread's SLA. */
const SlaToast = lazy(() => import('../attributes/index.ts').then((m) => ({ default: m.SlaToast })))
const Analytics = lazy(() => import('./Analytics.tsx').then((m) => ({ default: m.Analytics })))

export function Shell() {
  const panel = usePanel()
  const isAdmin = () => panel.state.login?.operator.role === 'admin'
  const isElevated = () => isAdmin() || panel.state.login?.operator.role === 'supervisor'
  const [help, setHelp] = createSignal(false)
  onMount(() => {
    // The dashboard keeps its filters in the hash (#analytics?...): a reload shows it again.
    if (isElevated() && location.hash.startsWith('#analytics')) panel.actions.showPage('analytics')
    const onKey = (event: KeyboardEvent) => {
      const handled = handleShortcut(event, panel.state, {
        open: (id) => void panel.actions.openConversation(id),
        resolve: () => panel.actions.setStatus('resolved'),
        assignToMe: () => panel.actions.assign(panel.state.login?.operator.id ?? null),
        showHelp: () => setHelp(true),
      })
      if (handled) event.preventDefault()
    }
    document.addEventListener('keydown', onKey)
    onCleanup(() => document.removeEventListener('keydown', onKey))
  })
  /** `label`: a key marked with msg(), translated here. */
  const tab = (page: Page, label: string) => (
    <button
      type="button"
      class="nav-item"
      aria-current={panel.state.page === page ? 'page' : undefined}
      onClick={() => panel.actions.showPage(page)}
    >
      {t(label)}
      <Show when={page === 'inbox' && panel.state.badges.unread > 0}>
        <span class="badge" data-testid="total-unread" aria-label={t('unread messages')}>
          {panel.state.badges.unread}
        </span>
      </Show>
    </button>
  )
  return (
    <div class="shell" data-connection={panel.state.connection}>
      <header class="topbar">
        <span class="brand">Parley</span>
        <nav class="nav" aria-label={t('Pages')}>
          {tab('inbox', msg('Inbox'))}
          <Show when={isElevated()}>
            {tab('overview', msg('Overview'))}
            {tab('analytics', msg('Analytics'))}
          </Show>
          <Show when={isAdmin()}>{tab('operators', msg('Operators'))}</Show>
          {/* Supervisors manage what the inboxes of their scope define (issue 20). */}
          <Show when={isElevated()}>{tab('inboxes', msg('Settings'))}</Show>
          <Show when={isAdmin()}>
            {tab('audit', msg('Audit log'))}
            {tab('privacy', msg('Data requests'))}
            {tab('tokens', msg('API tokens'))}
          </Show>
        </nav>
        {/* Always in the page, so a screen reader hears the text appear (a polite region). */}
        <span class="offline" role="status" aria-live="polite" data-testid="connection">
          <Show when={panel.state.connection !== 'connected'}>{t('Connecting…')}</Show>
        </span>
        <StatusSwitch />
        <UserMenu />
        <button type="button" class="ghost" onClick={() => void panel.actions.logout()}>
          {t('Sign out')}
        </button>
      </header>
      <Switch>
        <Match when={panel.state.page === 'inbox'}>
          <InboxPage />
        </Match>
        <Match when={panel.state.page === 'overview' && isElevated()}>
          <Overview />
        </Match>
        <Match when={panel.state.page === 'analytics' && isElevated()}>
          <Analytics />
        </Match>
        <Match when={panel.state.page === 'operators'}>
          <Operators />
        </Match>
        <Match when={panel.state.page === 'inboxes'}>
          {/* An inbox's branches or webhooks replace the inbox forms until "back". */}
          <Switch fallback={<InboxSettings />}>
            <Match when={isAdmin() && panel.state.branchInbox} keyed>
              {(inboxId) => <Branches inboxId={inboxId} />}
            </Match>
            <Match when={isAdmin() && panel.state.webhookInbox} keyed>
              {(inboxId) => <Webhooks inboxId={inboxId} />}
            </Match>
          </Switch>
        </Match>
        <Match when={panel.state.page === 'audit' && isAdmin()}>
          <AuditLog />
        </Match>
        <Match when={panel.state.page === 'privacy' && isAdmin()}>
          <DataRequests />
        </Match>
        <Match when={panel.state.page === 'tokens' && isAdmin()}>
          <ApiTokens />
        </Match>
        <Match when={panel.state.page === 'canned'}>
          <CannedReplies inboxId={panel.state.cannedInbox} />
        </Match>
      </Switch>
      {/* New conversations and visitor messages, said politely (summed up when busy). */}
      <p class="sr-only" role="status" aria-live="polite" data-testid="announcer">
        {panel.state.announcement}
      </p>
      <Show when={help()}>
        <ShortcutsHelp onClose={() => setHelp(false)} />
      </Show>
      <TransferToast />
      <MentionToast />
      <Show when={panel.state.slaAlert}>
        <SlaToast />
      </Show>
    </div>
  )
}
