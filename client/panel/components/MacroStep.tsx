/**
 * One action of a macro in its editor (issue 20): what it does (a select; another choice starts
 * that action afresh) and its fields: labels to tick (the inbox's), a priority, the text of a
 * reply or a note, whom to assign it to (whoever runs it, an operator of the inbox, nobody), a
 * branch, how long to snooze, resolve, close or mark pending. An editor may offer kinds more (a rule's
 * "Notify teammates" and "Send a webhook"): their own code, kept in their own chunk.
 */
import { For, Show, type Component, type JSX } from 'solid-js'
import { MAX_TEXT_LENGTH } from '../../shared/index.ts'
import type { MacroAction, Team } from '../api.ts'
import { usePanel } from '../context.ts'
import { msg, t } from '../i18n.ts'
import { PRIORITIES, PRIORITY_NAMES } from '../labels.ts'

type Kind = MacroAction['type']

/** Each kind's name (msg() keys) and how a new action of it starts. */
const KINDS: Record<Kind, [name: string, fresh: () => MacroAction]> = {
  add_labels: [msg('Add labels'), () => ({ type: 'add_labels', labelIds: [] })],
  remove_labels: [msg('Remove labels'), () => ({ type: 'remove_labels', labelIds: [] })],
  set_priority: [msg('Set the priority'), () => ({ type: 'set_priority', priority: 'high' })],
  send_message: [msg('Send a reply'), () => ({ type: 'send_message', text: '' })],
  add_note: [msg('Add a private note'), () => ({ type: 'add_note', text: '' })],
  assign: [msg('Assign'), () => ({ type: 'assign', to: 'me' })],
  transfer: [msg('Transfer to a branch'), () => ({ type: 'transfer', branchId: '' })],
  snooze: [msg('Snooze'), () => ({ type: 'snooze', minutes: 60 })],
  set_status: [msg('Resolve or close'), () => ({ type: 'set_status', status: 'resolved' })],
}

/** A new action of a kind. */
export const freshAction = (kind: Kind) => KINDS[kind][1]()

/** Snooze lengths offered, in minutes (null: until the visitor writes). */
const SNOOZES: ReadonlyArray<[number | null, string]> = [
  [60, msg('For 1 hour')],
  [240, msg('For 4 hours')],
  [1440, msg('For 1 day')],
  [10_080, msg('For 1 week')],
  [null, msg('Until the visitor replies')],
]

/** The select's value for "nobody" (an operator id is never empty). */
const NOBODY = ''

type Of<K extends Kind> = Extract<MacroAction, { type: K }>

/** A kind of action only one editor offers: its type, its name (a msg() key), its fields. */
export interface ExtraKind<A extends { type: string }> {
  type: A['type']
  name: string
  fresh: () => A
  fields: Component<{ action: A; inboxId: string; onChange: (action: A) => void }>
  /** Offered only to an action of this kind already (kept, not chosen anew). */
  kept?: boolean
}

export function MacroStep<A extends { type: string }>(props: {
  action: A
  inboxId: string
  /** The inbox's branches and operators, once loaded. */
  team: Team | undefined
  /** Offer "whoever runs the macro" as an assignee (a rule runs by itself: it starts on nobody). */
  runner: boolean
  /** The type select's attributes (its name, whether the server refused this action). */
  select: JSX.SelectHTMLAttributes<HTMLSelectElement>
  /** Kinds more, offered after the macro's. */
  extra?: readonly ExtraKind<A>[]
  onChange: (action: A) => void
}) {
  const panel = usePanel()
  const extra = (kind: string) => props.extra?.find((x) => x.type === kind)
  /** The action as the kind on screen has it (its fields re-render only for another kind). */
  const a = <K extends Kind>() => props.action as unknown as Of<K>
  const set = (patch: Partial<MacroAction>) => props.onChange({ ...props.action, ...patch })
  /** Options may come later (the team loads): each says whether it is the one chosen. */
  const select = (
    label: string,
    value: () => string,
    options: () => ReadonlyArray<[string, string]>,
    onChange: (value: string) => void,
  ) => (
    <label>
      {label}
      <select onChange={(e) => onChange(e.currentTarget.value)}>
        <For each={options()}>
          {([v, name]) => (
            <option value={v} selected={v === value()}>
              {name}
            </option>
          )}
        </For>
      </select>
    </label>
  )

  const fields = (kind: Kind): JSX.Element => {
    switch (kind) {
      case 'add_labels':
      case 'remove_labels': {
        const ids = () => a<'add_labels'>().labelIds
        return (
          <fieldset class="checks">
            <legend>{t('Labels')}</legend>
            <For
              each={panel.state.labels[props.inboxId]}
              fallback={<p class="muted">{t('No labels yet.')}</p>}
            >
              {(label) => (
                <label class="check">
                  <input
                    type="checkbox"
                    checked={ids().includes(label.id)}
                    onChange={(e) =>
                      set({
                        labelIds: e.currentTarget.checked
                          ? [...ids(), label.id]
                          : ids().filter((id) => id !== label.id),
                      })
                    }
                  />
                  {label.name}
                </label>
              )}
            </For>
          </fieldset>
        )
      }
      case 'set_priority':
        return select(
          t('Priority'),
          () => a<'set_priority'>().priority,
          () => PRIORITIES.map((p) => [p, t(PRIORITY_NAMES[p])]),
          (priority) => set({ priority } as Partial<MacroAction>),
        )
      case 'send_message':
      case 'add_note':
        return (
          <label>
            {kind === 'add_note' ? t('Note') : t('Reply')}
            <textarea
              rows={3}
              required
              dir="auto"
              maxLength={MAX_TEXT_LENGTH}
              value={a<'send_message'>().text}
              onInput={(e) => set({ text: e.currentTarget.value })}
            />
          </label>
        )
      case 'assign':
        return select(
          t('Assign to'),
          () => a<'assign'>().to ?? NOBODY,
          () => [
            ...(props.runner ? [['me', t('Whoever runs the macro')] as [string, string]] : []),
            ...(props.team?.operators ?? []).map((op): [string, string] => [op.id, op.name]),
            [NOBODY, t('Nobody (unassign)')],
          ],
          (to) => set({ to: to === NOBODY ? null : to }),
        )
      case 'transfer':
        return select(
          t('Branch'),
          () => a<'transfer'>().branchId,
          () => [
            ['', t('Choose a branch')],
            ...(props.team?.branches ?? []).map((b): [string, string] => [b.id, b.name]),
          ],
          (branchId) => set({ branchId }),
        )
      case 'snooze': {
        const minutes = () => a<'snooze'>().minutes
        return select(
          t('How long'),
          () => String(minutes()),
          () => {
            const options = SNOOZES.map(([m, name]): [string, string] => [String(m), t(name)])
            // A length set some other way (the API) is kept as it is.
            if (!SNOOZES.some(([m]) => m === minutes())) {
              options.unshift([String(minutes()), t('For {n} min', { n: minutes() ?? 0 })])
            }
            return options
          },
          (v) => set({ minutes: v === 'null' ? null : Number(v) }),
        )
      }
      case 'set_status':
        return select(
          t('Status'),
          () => a<'set_status'>().status,
          () => [
            ['resolved', t('Resolve')],
            ['closed', t('Close')],
            ['pending', t('Mark pending')],
          ],
          (status) => set({ status } as Partial<MacroAction>),
        )
    }
  }

  return (
    <>
      <select
        {...props.select}
        onChange={(e) => {
          const kind = e.currentTarget.value as Kind
          props.onChange(
            extra(kind)?.fresh() ??
              ((kind === 'assign' && !props.runner
                ? { type: 'assign', to: null }
                : freshAction(kind)) as unknown as A),
          )
        }}
      >
        <For each={Object.entries(KINDS)}>
          {([kind, [name]]) => (
            <option value={kind} selected={kind === props.action.type}>
              {t(name)}
            </option>
          )}
        </For>
        <For each={props.extra?.filter((x) => !x.kept || x.type === props.action.type)}>
          {(x) => (
            <option value={x.type} selected={x.type === props.action.type}>
              {t(x.name)}
            </option>
          )}
        </For>
      </select>
      <Show when={props.action.type} keyed>
        {(kind) => {
          const Extra = extra(kind)?.fields
          return Extra ? (
            <Extra action={props.action} inboxId={props.inboxId} onChange={props.onChange} />
          ) : (
            fields(kind as Kind)
          )
        }}
      </Show>
    </>
  )
}
