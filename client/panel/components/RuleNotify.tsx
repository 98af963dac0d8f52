/**
 * A rule's "Notify teammates" action (issue 20), offered by rules only (never by macros): a
 * private note that mentions 1 to MAX_NOTIFY operators of the inbox, each alerted. Its fields
 * are the inbox's operators to tick (one chosen before who has left the inbox since is listed
 * too, to untick) and the note. `notifyProblem` checks what the server would refuse.
 */
import { For } from 'solid-js'
import { MAX_TEXT_LENGTH } from '../../shared/index.ts'
import { usePanel } from '../context.ts'
import { msg, t } from '../i18n.ts'
import type { RuleAction } from '../rules-api.ts'
import type { ExtraKind } from './MacroStep.tsx'

type Notify = Extract<RuleAction, { type: 'notify' }>

/** protocol/rules.ts MAX_NOTIFY_OPERATORS (that module is the server's). */
const MAX_NOTIFY = 10

/** Why the server would refuse action `n` (from 1), if it is a notify; else undefined. */
export function notifyProblem(action: RuleAction, n: number): string | undefined {
  if (action.type !== 'notify') return undefined
  if (action.operatorIds.length === 0) {
    return t('Action {n}: choose at least one teammate to notify.', { n })
  }
  if (action.operatorIds.length > MAX_NOTIFY) {
    return t('Action {n}: choose at most {max} teammates to notify.', { n, max: MAX_NOTIFY })
  }
  if (!action.text.trim()) return t('Action {n}: write the note.', { n })
  return undefined
}

function NotifyFields(props: {
  action: RuleAction
  inboxId: string
  onChange: (action: RuleAction) => void
}) {
  const panel = usePanel()
  const ids = () => (props.action as Notify).operatorIds
  const team = () => panel.state.teams[props.inboxId]
  const gone = () => ids().filter((id) => team() && !team()?.operators.some((o) => o.id === id))
  const set = (patch: Partial<Notify>) => props.onChange({ ...(props.action as Notify), ...patch })
  const check = (id: string, name: string) => (
    <label class="check">
      <input
        type="checkbox"
        checked={ids().includes(id)}
        onChange={(e) =>
          set({
            operatorIds: e.currentTarget.checked
              ? [...ids(), id]
              : ids().filter((other) => other !== id),
          })
        }
      />
      {name}
    </label>
  )

  return (
    <>
      <fieldset class="checks">
        <legend>{t('Teammates')}</legend>
        <For
          each={team()?.operators}
          fallback={team() && <p class="muted">{t('No operators in this inbox.')}</p>}
        >
          {(op) => check(op.id, op.name)}
        </For>
        <For each={gone()}>{(id) => check(id, t('Left the inbox ({id})', { id }))}</For>
      </fieldset>
      <label>
        {t('Note')}
        <textarea
          rows={3}
          required
          dir="auto"
          maxLength={MAX_TEXT_LENGTH}
          value={(props.action as Notify).text}
          onInput={(e) => set({ text: e.currentTarget.value })}
        />
      </label>
    </>
  )
}

export const NOTIFY: ExtraKind<RuleAction> = {
  type: 'notify',
  name: msg('Notify teammates'),
  fresh: () => ({ type: 'notify', operatorIds: [], text: '' }),
  fields: NotifyFields,
}
