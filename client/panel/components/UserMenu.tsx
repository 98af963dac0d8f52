/**
 * The operator's own menu in the top bar (a menu button with their picture): the notes that
 * mention them (issue 20), the picture and name shown to visitors, change password, the own canned replies, this device's notifications,
 * the panel language, sign out everywhere. Keyboard as every menu button's (menu.ts).
 */
import { createSignal, For, lazy, Show } from 'solid-js'
import { Icon } from '../../shared/ui/Icon.tsx'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { usePanel } from '../context.ts'
import { msg, t } from '../i18n.ts'
import { createMenu } from '../menu.ts'
import { Avatar } from './Avatar.tsx'

// The dialogs are fetched when first opened (one chunk: see the module): the inbox loads
// without them.
const dialogs = () => import('./account-dialogs.ts')
const DisplayNameDialog = lazy(() => dialogs().then((m) => ({ default: m.DisplayNameDialog })))
const LanguageDialog = lazy(() => dialogs().then((m) => ({ default: m.LanguageDialog })))
const MentionsDialog = lazy(() => dialogs().then((m) => ({ default: m.MentionsDialog })))
const NotificationsDialog = lazy(() => dialogs().then((m) => ({ default: m.NotificationsDialog })))
const PasswordDialog = lazy(() => dialogs().then((m) => ({ default: m.PasswordDialog })))
const SignOutEverywhereDialog = lazy(() =>
  dialogs().then((m) => ({ default: m.SignOutEverywhereDialog })),
)

type Dialog = 'displayName' | 'password' | 'everywhere' | 'notifications' | 'language' | 'mentions'

/** 'canned': a page, not a dialog (the operator's own canned replies). Labels: msg() keys. */
const ITEMS: ReadonlyArray<{ dialog: Dialog | 'canned'; label: string }> = [
  { dialog: 'displayName', label: msg('Name shown to visitors…') },
  { dialog: 'password', label: msg('Change password…') },
  { dialog: 'canned', label: msg('My canned replies') },
  { dialog: 'mentions', label: msg('Mentions…') },
  { dialog: 'notifications', label: msg('Notifications…') },
  { dialog: 'language', label: msg('Language…') },
  { dialog: 'everywhere', label: msg('Sign out everywhere…') },
]

export function UserMenu() {
  const panel = usePanel()
  const menu = createMenu()
  const [dialog, setDialog] = createSignal<Dialog | null>(null)
  let button!: HTMLButtonElement

  const closeDialog = () => {
    // A stale call (the dialog is gone already) must not pull focus from wherever it is now.
    if (dialog() === null) return
    setDialog(null)
    button.focus()
  }

  return (
    <div class="account" ref={menu.root}>
      <button
        ref={(el) => {
          button = el
          menu.button(el)
        }}
        type="button"
        class="ghost account-button"
        aria-controls={menu.open() ? 'account-menu' : undefined}
      >
        <Show when={panel.state.login?.operator}>
          {(op) => (
            <Avatar name={op().name} colorKey={op().id} avatarId={op().avatarId} size={24} />
          )}
        </Show>
        <SafeText class="me" text={panel.state.login?.operator.name ?? ''} />
        <Icon name="down" size={16} />
      </button>
      <Show when={menu.open()}>
        <div ref={menu.menu} id="account-menu" class="menu" role="menu" aria-label={t('Account')}>
          <For each={ITEMS}>
            {(item) => (
              <button
                type="button"
                role="menuitem"
                tabIndex={-1}
                class="menu-item"
                onClick={() => {
                  menu.hide(false)
                  if (item.dialog === 'canned') panel.actions.openCanned(null)
                  else setDialog(item.dialog)
                }}
              >
                {t(item.label)}
              </button>
            )}
          </For>
        </div>
      </Show>
      <Show when={dialog() === 'displayName'}>
        <DisplayNameDialog onClose={closeDialog} />
      </Show>
      <Show when={dialog() === 'password'}>
        <PasswordDialog onClose={closeDialog} />
      </Show>
      <Show when={dialog() === 'everywhere'}>
        <SignOutEverywhereDialog onClose={closeDialog} />
      </Show>
      <Show when={dialog() === 'notifications'}>
        <NotificationsDialog onClose={closeDialog} />
      </Show>
      <Show when={dialog() === 'language'}>
        <LanguageDialog onClose={closeDialog} />
      </Show>
      <Show when={dialog() === 'mentions'}>
        <MentionsDialog onClose={closeDialog} />
      </Show>
    </div>
  )
}
