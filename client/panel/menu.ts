/**
 * A menu button's behaviour, shared by the account menu (UserMenu) and the snooze menu
 * (SnoozeMenu): Enter, Space or the arrows open it on the first (last) item; arrows, Home and
 * End move; Escape closes it back onto the button; Tab leaves it; a press elsewhere closes it.
 * The component renders its menu (role="menu", items role="menuitem" with tabIndex -1) while
 * `open()`, and hands the elements to `root`, `button` and `menu` as refs.
 */
import { createEffect, createSignal, onCleanup } from 'solid-js'

export function createMenu(onOpen?: () => void) {
  const [open, setOpen] = createSignal(false)
  let root: HTMLElement | undefined
  let button: HTMLButtonElement | undefined
  let menu: HTMLElement | undefined

  const items = () => [...(menu?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])]
  const focusItem = (i: number) => {
    const list = items()
    list[(i + list.length) % list.length]?.focus()
  }
  const show = (first: number) => {
    onOpen?.()
    setOpen(true)
    focusItem(first)
  }
  const hide = (refocus: boolean) => {
    setOpen(false)
    if (refocus) button?.focus()
  }
  const outside = (e: PointerEvent) => {
    if (!root?.contains(e.target as Node)) setOpen(false)
  }
  document.addEventListener('pointerdown', outside)
  onCleanup(() => document.removeEventListener('pointerdown', outside))
  createEffect(() => button?.setAttribute('aria-expanded', String(open())))

  return {
    open,
    hide,
    root: (el: HTMLElement) => (root = el),
    button(el: HTMLButtonElement) {
      button = el
      el.setAttribute('aria-haspopup', 'menu')
      el.addEventListener('click', () => (open() ? hide(false) : show(0)))
      el.addEventListener('keydown', (e) => {
        if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return
        e.preventDefault()
        show(e.key === 'ArrowUp' ? -1 : 0)
      })
    },
    menu(el: HTMLElement) {
      menu = el
      el.addEventListener('keydown', (e) => {
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
      })
    },
  }
}
