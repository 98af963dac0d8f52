/**
 * The Notifications dialog's section on Web Push (issue 20): whether this browser gets pushes
 * (not supported here, blocked by the browser, off, on), turning them on or off, the operator's
 * registered browsers with Remove, a test push to all of them, and their quiet hours
 * (QuietHours.tsx). An on-demand chunk (its Russian travels with it: push-text.ts), loaded when
 * the dialog opens (panel.ts, `push`).
 */
import { createSignal, createUniqueId, For, Show } from 'solid-js'
import { usePanel } from '../context.ts'
import { locale, t } from '../i18n.ts'
import { createPush, PushRefused, type PushBrowser, type PushState } from '../push-api.ts'
import { describe, tp } from '../push-text.ts'
import { QuietHoursSection } from './QuietHours.tsx'
import '../push.css'

function stateText(state: PushState): string {
  switch (state) {
    case 'unsupported':
      return tp(
        'This browser cannot get pushes: it has no Web Push, or the panel is not opened over https.',
      )
    case 'blocked':
      return t('This browser blocks notifications from Parley: allow them in its site settings.')
    case 'off':
      return tp('Off: alerts reach you here only while Parley is open.')
    case 'on':
      return tp('On: this browser gets pushes even while Parley is closed.')
  }
}

function failureText(e: unknown): string {
  if (!(e instanceof PushRefused)) return describe(e)
  if (e.reason === 'timeout') {
    return tp(
      "This browser's push service did not answer, so pushes can't be turned on here. Alerts still work while Parley is open.",
    )
  }
  if (e.reason === 'subscribe') {
    return tp(
      "This browser could not subscribe to its push service ({detail}), so pushes can't be turned on here. Alerts still work while Parley is open.",
      { detail: e.message },
    )
  }
  // Denied: the state says the browser blocks them.
  return e.reason === 'dismissed' ? tp('Notifications were not allowed, so pushes stay off.') : ''
}

export default function PushSection() {
  const panel = usePanel()
  const push = createPush({
    ...panel.http,
    expiresAt: () => panel.state.login?.expiresAt ?? 0,
  })
  const [state, setState] = createSignal<PushState>()
  const [browsers, setBrowsers] = createSignal<PushBrowser[]>([])
  const [ownId, setOwnId] = createSignal<string | null>(null)
  const [busy, setBusy] = createSignal(false)
  const [failure, setFailure] = createSignal('')
  /** What the last action did, or what it waits for. */
  const [note, setNote] = createSignal('')
  const titleId = createUniqueId()
  const listId = createUniqueId()
  let listTitle!: HTMLHeadingElement

  /** The server's list first, then this browser's state (which may take the browser a while). */
  const refresh = async () => {
    const registered = await push.browsers()
    // The rows that stay keep their objects, so <For> keeps their elements: a Remove button
    // focused while the list is read again keeps the focus (and the key pressed on it).
    setBrowsers((shown) =>
      registered.map(
        (b) =>
          shown.find(
            (s) => s.id === b.id && s.origin === b.origin && s.createdAt === b.createdAt,
          ) ?? b,
      ),
    )
    const here = await push.here(registered)
    setState(here.state)
    setOwnId(here.ownId)
  }
  /** Runs one action, then shows where things stand (after a failure too). */
  const act = async (action: () => Promise<unknown>, doneText = '', waitText = '') => {
    // One at a time; the buttons stay enabled, so none drops the keyboard's focus.
    if (busy()) return
    setBusy(true)
    setFailure('')
    setNote(waitText)
    let done = false
    try {
      await action()
      done = true
    } catch (e) {
      setNote('')
      setFailure(failureText(e))
    }
    await refresh().catch((e: unknown) => setFailure(describe(e)))
    setBusy(false)
    // Said once the section is ready for the next action (one pressed while busy is dropped).
    if (done) setNote(doneText)
  }
  void refresh().catch((e: unknown) => setFailure(describe(e)))

  const date = (at: number) =>
    new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short', year: 'numeric' }).format(
      at,
    )
  const host = (origin: string) => origin.replace(/^https?:\/\//, '')

  return (
    <section class="push" aria-labelledby={titleId} aria-busy={busy()}>
      <h3 id={titleId}>{tp('Push notifications on this browser')}</h3>
      <p class="muted">
        {tp(
          'Pushes reach this browser even while Parley is closed: new conversations, conversations given to you, mentions, missed SLA deadlines and messages in your conversations. None while you are busy.',
        )}
      </p>
      <p role="status">
        <Show when={state()} fallback={tp('Checking this browser…')}>
          {(now) => stateText(now())}
        </Show>
      </p>
      <div class="form-foot">
        <Show when={state() === 'off' || state() === 'on'}>
          {/* One button, its words swapped: the focus stays on it. */}
          <button
            type="button"
            class="secondary"
            onClick={() =>
              void (state() === 'on'
                ? act(() => push.turnOff())
                : act(push.turnOn, '', tp('Waiting for this browser and its push service…')))
            }
          >
            {state() === 'on' ? tp('Turn off') : tp('Turn on')}
          </button>
        </Show>
        <Show when={browsers().length > 0}>
          <button
            type="button"
            class="secondary"
            onClick={() =>
              void act(push.test, tp('A test push is on its way to each of your browsers.'))
            }
          >
            {tp('Send a test')}
          </button>
        </Show>
      </div>
      <Show when={failure()}>
        <p class="error" role="alert">
          {failure()}
        </p>
      </Show>
      <Show when={note()}>
        <p role="status">{note()}</p>
      </Show>
      <h3 id={listId} ref={listTitle} tabIndex={-1}>
        {tp('Your browsers with pushes')}
      </h3>
      <Show when={browsers().length > 0} fallback={<p class="muted">{tp('None yet.')}</p>}>
        <ul class="push-browsers" aria-labelledby={listId}>
          <For each={browsers()}>
            {(browser) => (
              <li>
                <span>
                  {host(browser.origin)}
                  <span class="muted">
                    {' · '}
                    {tp('added {date}', { date: date(browser.createdAt) })}
                    {browser.id === ownId() ? ` · ${tp('this browser')}` : ''}
                  </span>
                </span>
                <button
                  type="button"
                  class="secondary"
                  aria-label={tp('Remove {browser}, added {date}', {
                    browser: host(browser.origin),
                    date: date(browser.createdAt),
                  })}
                  onClick={() =>
                    void act(async () => {
                      await push.remove(browser.id)
                      // Its row goes: the focus goes to the list's heading, not to the page.
                      listTitle.focus()
                    })
                  }
                >
                  {tp('Remove')}
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <QuietHoursSection push={push} />
    </section>
  )
}
