/**
 * One inbox's settings: name, escalation minutes, capacity, visitor messages per minute, members;
 * and the way to its branches.
 */
import { createSignal, For, Show } from 'solid-js'
import { createStore } from 'solid-js/store'
import type { InboxRecord, InboxSettings } from '../../shared/index.ts'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { usePanel } from '../context.ts'

type NumberSetting = 'escalationMinutes' | 'maxOpenPerOperator' | 'visitorMessagesPerMinute'

const FIELDS: ReadonlyArray<{ key: NumberSetting; label: string; min: number }> = [
  { key: 'escalationMinutes', label: 'Escalation after (minutes)', min: 1 },
  { key: 'maxOpenPerOperator', label: 'Open conversations per operator (0 = no limit)', min: 0 },
  { key: 'visitorMessagesPerMinute', label: 'Visitor messages per minute', min: 1 },
]

export function InboxForm(props: { inbox: InboxRecord }) {
  const panel = usePanel()
  const [name, setName] = createSignal(props.inbox.name)
  const [settings, setSettings] = createStore<InboxSettings>({ ...props.inbox.settings })
  const [saved, setSaved] = createSignal(false)
  const [members, setMembers] = createSignal<string[]>(panel.state.members[props.inbox.id] ?? [])
  const toggle = (id: string, on: boolean) =>
    setMembers((list) =>
      on ? [...list.filter((x) => x !== id), id] : list.filter((x) => x !== id),
    )
  return (
    <form
      class="card inline-form"
      data-inbox={props.inbox.id}
      onSubmit={async (e) => {
        e.preventDefault()
        setSaved(false)
        const patch = { name: name(), settings: { ...settings } }
        setSaved(await panel.actions.updateInbox(props.inbox.id, patch, members()))
      }}
    >
      <label>
        Name
        <input required dir="auto" value={name()} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      {FIELDS.map((f) => (
        <label>
          {f.label}
          <input
            type="number"
            min={f.min}
            required
            value={settings[f.key]}
            onInput={(e) => setSettings(f.key, e.currentTarget.valueAsNumber)}
          />
        </label>
      ))}
      <fieldset class="members">
        <legend>Members (operators who get this inbox's conversations)</legend>
        <For each={panel.state.operators}>
          {(op) => (
            <label class="check">
              <input
                type="checkbox"
                checked={members().includes(op.id)}
                onChange={(e) => toggle(op.id, e.currentTarget.checked)}
              />
              <SafeText text={op.name} /> (<SafeText text={op.email} />)
            </label>
          )}
        </For>
      </fieldset>
      <div class="form-foot">
        <button type="submit">Save</button>
        <button
          type="button"
          class="secondary"
          onClick={() => void panel.actions.openBranches(props.inbox.id)}
        >
          Branches and routing
        </button>
        <Show when={saved()}>
          <span class="muted" role="status">
            Saved
          </span>
        </Show>
      </div>
    </form>
  )
}
