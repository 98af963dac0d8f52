/**
 * The signed-in frame: the menu (pages, unread badge, status switch, the operator's own menu,
 * sign out), the page, and the notice of a conversation transferred to this operator.
 */
import { Match, Show, Switch } from 'solid-js'
import { usePanel } from '../context.ts'
import type { Page } from '../store.ts'
import { Branches } from './Branches.tsx'
import { InboxPage } from './InboxPage.tsx'
import { InboxSettings } from './InboxSettings.tsx'
import { Operators } from './Operators.tsx'
import { StatusSwitch } from './StatusSwitch.tsx'
import { TransferToast } from './TransferToast.tsx'
import { UserMenu } from './UserMenu.tsx'

export function Shell() {
  const panel = usePanel()
  const isAdmin = () => panel.state.login?.operator.role === 'admin'
  const tab = (page: Page, label: string) => (
    <button
      type="button"
      class="nav-item"
      aria-current={panel.state.page === page ? 'page' : undefined}
      onClick={() => panel.actions.showPage(page)}
    >
      {label}
      <Show when={page === 'inbox' && panel.state.badges.unread > 0}>
        <span class="badge" data-testid="total-unread" aria-label="unread messages">
          {panel.state.badges.unread}
        </span>
      </Show>
    </button>
  )
  return (
    <div class="shell" data-connection={panel.state.connection}>
      <header class="topbar">
        <span class="brand">Parley</span>
        <nav class="nav" aria-label="Pages">
          {tab('inbox', 'Inbox')}
          <Show when={isAdmin()}>
            {tab('operators', 'Operators')}
            {tab('inboxes', 'Settings')}
          </Show>
        </nav>
        {/* Always in the page, so a screen reader hears the text appear (a polite region). */}
        <span class="offline" role="status" aria-live="polite" data-testid="connection">
          <Show when={panel.state.connection !== 'connected'}>Connecting…</Show>
        </span>
        <StatusSwitch />
        <UserMenu />
        <button type="button" class="ghost" onClick={() => void panel.actions.logout()}>
          Sign out
        </button>
      </header>
      <Switch>
        <Match when={panel.state.page === 'inbox'}>
          <InboxPage />
        </Match>
        <Match when={panel.state.page === 'operators'}>
          <Operators />
        </Match>
        <Match when={panel.state.page === 'inboxes'}>
          {/* An inbox's branches replace the inbox forms until "back". */}
          <Show when={isAdmin() && panel.state.branchInbox} keyed fallback={<InboxSettings />}>
            {(inboxId) => <Branches inboxId={inboxId} />}
          </Show>
        </Match>
      </Switch>
      <TransferToast />
    </div>
  )
}
