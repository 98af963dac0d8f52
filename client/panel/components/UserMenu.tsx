/**
 * The operator's own menu in the top bar (a menu button with their picture): the picture and
 * name shown to visitors, change password, the own canned replies, this device's notifications,
 * the panel language, sign out everywhere. Keyboard: Enter, Space or the
 * arrows open it on the first (last) item; arrows, Home and End move; Escape closes it back onto
 * the button; Tab leaves it.
 */
import { createSignal, For, lazy, onCleanup, Show } from 'solid-js'
import { Icon } from '../../shared/ui/Icon.tsx'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { usePanel } from '../context.ts'
import { msg, t } from '../i18n.ts'
import { Avatar } from './Avatar.tsx'

// The dialogs are fetched when first opened (one chunk: see the module): the inbox loads
// without them.
const dialogs = () => import('./account-dialogs.ts')
const DisplayNameDialog = lazy(() => dialogs().then((m) => ({ default: m.DisplayNameDialog })))
const LanguageDialog = lazy(() => dialogs().then((m) => ({ default: m.LanguageDialog })))
const NotificationsDialog = lazy(() => dialogs().then((m) => ({ default: m.NotificationsDialog })))
const PasswordDialog = lazy(() => dialogs().then((m) => ({ default: m.PasswordDialog })))
const SignOutEverywhereDialog = lazy(() =>
  dialogs().then((m) => ({ default: m.SignOutEverywhereDialog })),
)

type Dialog = 'displayName' | 'password' | 'everywhere' | 'notifications' | 'language'

/** 'canned': a page, not a dialog (the operator's own canned replies). Labels: msg() keys. */
const ITEMS: ReadonlyArray<{ dialog: Dialog | 'canned'; label: string }> = [
  { dialog: 'displayName', label: msg('Name shown to visitors…') },
  { dialog: 'password', label: msg('Change password…') },
  { dialog: 'canned', label: msg('My canned replies') },
  { dialog: 'notifications', label: msg('Notifications…') },
  { dialog: 'language', label: msg('Language…') },
  { dialog: 'everywhere', label: msg('Sign out everywhere…') },
]

export function UserMenu() {
  const panel = usePanel()
  const [open, setOpen] = createSignal(false)
  const [dialog, setDialog] = createSignal<Dialog | null>(null)
  let root!: HTMLDivElement
  let button!: HTMLButtonElement
  let menu: HTMLDivElement | undefined

  const items = () => [...(menu?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])]
  const focusItem = (i: number) => {
    const list = items()
    list[(i + list.length) % list.length]?.focus()
  }
  const show = (first: number) => {
    setOpen(true)
    focusItem(first)
  }
  const hide = (refocus: boolean) => {
    setOpen(false)
    if (refocus) button.focus()
  }
  // A press anywhere else closes the menu.
  const outside = (e: PointerEvent) => {
    if (!root.contains(e.target as Node)) setOpen(false)
  }
  document.addEventListener('pointerdown', outside)
  onCleanup(() => document.removeEventListener('pointerdown', outside))

  const onMenuKey = (e: KeyboardEvent) => {
    const at = items().indexOf(document.activeElement as HTMLElement)
    if (e.key === 'ArrowDown') focusItem(at + 1)
    else if (e.key === 'ArrowUp') focusItem(at - 1)
    else if (e.key === 'Home') focusItem(0)
    else if (e.key === 'End') focusItem(-1)
    else if (e.key === 'Escape') hide(true)
    else {
      if (e.key === 'Tab') setOpen(false)
      return
    }
    e.preventDefault()
  }
  const closeDialog = () => {
    // A stale call (the dialog is gone already) must not pull focus from wherever it is now.
    if (dialog() === null) return
    setDialog(null)
    button.focus()
  }

  return (
    <div class="account" ref={root}>
      <button
        ref={button}
        type="button"
        class="ghost account-button"
        aria-haspopup="menu"
        aria-expanded={open()}
        aria-controls={open() ? 'account-menu' : undefined}
        onClick={() => (open() ? hide(false) : show(0))}
        onKeyDown={(e) => {
          if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return
          e.preventDefault()
          show(e.key === 'ArrowUp' ? -1 : 0)
        }}
      >
        <Show when={panel.state.login?.operator}>
          {(op) => (
            <Avatar name={op().name} colorKey={op().id} avatarId={op().avatarId} size={24} />
          )}
        </Show>
        <SafeText class="me" text={panel.state.login?.operator.name ?? ''} />
        <Icon name="down" size={16} />
      </button>
      <Show when={open()}>
        <div
          ref={menu}
          id="account-menu"
          class="menu"
          role="menu"
          aria-label={t('Account')}
          onKeyDown={onMenuKey}
        >
          <For each={ITEMS}>
            {(item) => (
              <button
                type="button"
                role="menuitem"
                tabIndex={-1}
                class="menu-item"
                onClick={() => {
                  setOpen(false)
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
    </div>
  )
}
