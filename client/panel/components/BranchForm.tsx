/**
 * Admin: create or edit a branch: name, whether escalations it cannot take go to the default
 * branch, members, working hours, automatic replies. Saves the whole branch; a refusal (the
 * server names the field) is shown by the Save button, its field marked, and nothing is saved.
 */
import { createSignal, createUniqueId, For, Show } from 'solid-js'
import { createStore } from 'solid-js/store'
// The module itself, not actors/index.ts: only this constant comes into the panel's bundle.
import { DEFAULT_BRANCH_SETTINGS } from '../../../actors/ports.ts'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import type { BranchView } from '../api.ts'
import { usePanel } from '../context.ts'
import { names } from '../form-errors.ts'
import { t } from '../i18n.ts'
import { fromDraft, toDraft } from '../schedule.ts'
import { AutoReplies, type AutoReplyDraft } from './AutoReplies.tsx'
import { ScheduleEditor } from './ScheduleEditor.tsx'

export function BranchForm(props: {
  inboxId: string
  /** Null: a new branch. */
  branch: BranchView | null
  onDone: () => void
}) {
  const panel = usePanel()
  const [name, setName] = createSignal(props.branch?.name ?? '')
  // On by default, as on the server.
  const [escalate, setEscalate] = createSignal(props.branch?.settings.escalateToDefault ?? true)
  const [members, setMembers] = createSignal<string[]>(props.branch?.operatorIds ?? [])
  const [draft, setDraft] = createStore(toDraft(props.branch?.schedule ?? null))
  const settings = { ...DEFAULT_BRANCH_SETTINGS, ...props.branch?.settings }
  // A copy: the form edits its own, not the list's.
  const [replies, setReplies] = createStore<AutoReplyDraft>(
    JSON.parse(
      JSON.stringify({
        offlineText: settings.offlineText,
        greeting: settings.greeting,
        firstReply: settings.firstReply,
        offlineReply: settings.offlineReply,
        waitingReply: settings.waitingReply,
      }),
    ) as AutoReplyDraft,
  )
  const [error, setError] = createSignal<string | null>(null)
  const [busy, setBusy] = createSignal(false)
  const titleId = createUniqueId()
  const errorId = createUniqueId()
  const toggle = (id: string, on: boolean) =>
    setMembers((list) =>
      on ? [...list.filter((x) => x !== id), id] : list.filter((x) => x !== id),
    )
  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    const failure = await panel.actions.saveBranch(props.inboxId, props.branch?.id ?? null, {
      name: name(),
      schedule: fromDraft(draft),
      settings: { escalateToDefault: escalate(), ...replies },
      operatorIds: members(),
    })
    setBusy(false)
    if (failure) setError(failure)
    else props.onDone()
  }
  return (
    <main class="admin">
      <form class="card branch-form" aria-labelledby={titleId} onSubmit={(e) => void submit(e)}>
        {/* The list it replaced is gone: focus starts here. */}
        <h2 id={titleId} tabIndex={-1} ref={(el) => queueMicrotask(() => el.focus())}>
          {props.branch ? t('Edit branch') : t('New branch')}
        </h2>
        <label>
          {t('Name')}
          <input
            required
            maxLength={100}
            dir="auto"
            value={name()}
            onInput={(e) => setName(e.currentTarget.value)}
            aria-invalid={names(error(), 'name') || undefined}
            aria-describedby={names(error(), 'name') ? errorId : undefined}
          />
        </label>
        {/* The default branch is where escalations go; the setting means nothing there. */}
        <Show when={!props.branch?.isDefault}>
          <label class="check">
            <input
              type="checkbox"
              checked={escalate()}
              onChange={(e) => setEscalate(e.currentTarget.checked)}
            />
            {t('When nobody here can take an escalated chat, pass it to the default branch')}
          </label>
        </Show>
        <fieldset class="members">
          <legend>{t('Members')}</legend>
          <p class="muted">{t('Members also become members of the inbox.')}</p>
          <For each={panel.state.operators}>
            {(op) => (
              <label class="check">
                <input
                  type="checkbox"
                  checked={members().includes(op.id)}
                  onChange={(e) => toggle(op.id, e.currentTarget.checked)}
                />
                <span>
                  <SafeText text={op.name} /> (<SafeText text={op.email} />)
                </span>
              </label>
            )}
          </For>
        </fieldset>
        <ScheduleEditor draft={draft} setDraft={setDraft} error={error()} errorId={errorId} />
        <AutoReplies draft={replies} setDraft={setReplies} />
        <Show when={error()}>
          <p id={errorId} class="error" role="alert">
            {error()}
          </p>
        </Show>
        <div class="form-foot">
          <button type="submit" disabled={busy()}>
            {t('Save branch')}
          </button>
          <button type="button" class="secondary" onClick={() => props.onDone()}>
            {t('Cancel')}
          </button>
        </div>
      </form>
    </main>
  )
}
