/**
 * An automation rule's editor (issue 20): its name, the event that triggers it (with how many
 * minutes for "the visitor has waited"), its conditions (RuleConditionRow, all must hold) and
 * its ordered actions (ActionSteps, as a macro's, without "whoever runs it", with "Notify
 * teammates", "Send a webhook" and "Apply an SLA policy"), and a dry run of the event and conditions on screen. A notify
 * or webhook action the server would refuse is said before sending. A refusal shows under the form and marks what it names:
 * the name (taken in the inbox), the minutes, or the condition or action the server points at
 * (`conditions[1] (label): ...`, `actions[0] (assign): ...`).
 */
import { attributeProblem, SET_ATTRIBUTE } from './RuleAttribute.tsx'
import { createSignal, createUniqueId, Index, Show } from 'solid-js'
import { asParleyError } from '../../shared/index.ts'
import { describe } from '../chat.ts'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import { EVENTS, freshCondition } from '../rule-words.ts'
import { rulesApi, type Rule, type RuleAction, type RuleCondition } from '../rules-api.ts'
import { ActionSteps, focusStep } from './ActionSteps.tsx'
import { freshAction } from './MacroStep.tsx'
import { RuleConditionRow } from './RuleConditionRow.tsx'
import { RuleDryRun } from './RuleDryRun.tsx'
import { NOTIFY, notifyProblem } from './RuleNotify.tsx'
import { webhookAction } from './RuleWebhook.tsx'
import { APPLY_SLA, slaProblem } from './RuleSla.tsx'

/** protocol/rules.ts MAX_RULE_ACTIONS, MAX_RULE_CONDITIONS, MAX_RULE_NAME, MAX_WAIT_MINUTES. */
const MAX_ACTIONS = 10
const MAX_CONDITIONS = 10
const MAX_NAME = 60
const MAX_WAIT = 10_080

export function RuleForm(props: {
  inboxId: string
  /** Null: a new rule. */
  rule: Rule | null
  /** `saved`: the rule changed (the list is read again already). */
  onDone: (saved: boolean) => void
  /** Reads the inbox's rules again. */
  reload: () => Promise<void>
}) {
  const panel = usePanel()
  const api = rulesApi(panel.http)
  const uid = createUniqueId()
  const [name, setName] = createSignal(props.rule?.name ?? '')
  const [event, setEvent] = createSignal(props.rule?.event ?? 'conversation.created')
  const [minutes, setMinutes] = createSignal(props.rule?.waitMinutes ?? 15)
  const [conditions, setConditions] = createSignal<RuleCondition[]>(props.rule?.conditions ?? [])
  const [steps, setSteps] = createSignal<RuleAction[]>(
    props.rule?.actions ?? [freshAction('send_message') as RuleAction],
  )
  const [error, setError] = createSignal<{ at: string; message: string } | null>(null)
  const [busy, setBusy] = createSignal(false)
  let list!: HTMLOListElement
  let conditionList!: HTMLOListElement
  const bad = (at: string) => error()?.at === at || undefined
  const by = (at: string) => (bad(at) ? `${uid}-error` : undefined)
  const waited = () => event() === 'conversation.waited'
  void panel.actions.loadTeam(props.inboxId).catch(() => undefined)
  void panel.actions.labelsFor(props.inboxId, true)
  const webhook = webhookAction(api, props.inboxId, panel.state.login?.operator.role === 'admin')

  const changeSteps = (next: RuleAction[], focus?: number) => {
    setSteps(next)
    if (focus !== undefined) focusStep(list, focus)
  }
  /** The conditions changed; the focus goes to the field select of condition `focus`, if any. */
  const changeConditions = (next: RuleCondition[], focus?: number) => {
    setConditions(next)
    if (focus === undefined) return
    const fields = conditionList?.querySelectorAll<HTMLElement>('.cond-field')
    ;(fields?.[focus] ?? addCondition)?.focus()
  }
  let addCondition: HTMLButtonElement | undefined

  const refusal = (e: unknown) => {
    const text = describe(e)
    if (asParleyError(e).code === 'conflict') {
      return { at: 'name', message: t('Another rule of this inbox has this name.') }
    }
    const item = /(actions|conditions)\[(\d+)\]/.exec(text)
    if (item) return { at: `${item[1] === 'actions' ? 'step' : 'cond'}-${item[2]}`, message: text }
    if (/waitMinutes/.test(text)) return { at: 'minutes', message: text }
    return { at: /\bname\b/.test(text) ? 'name' : '', message: text }
  }
  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    setError(null)
    for (const [i, step] of steps().entries()) {
      const problem =
        notifyProblem(step, i + 1) ??
        webhook.problem(step, i + 1) ??
        slaProblem(step, i + 1) ??
        attributeProblem(step, i + 1)
      if (problem) {
        setError({ at: `step-${i}`, message: problem })
        return
      }
    }
    setBusy(true)
    try {
      const input = {
        name: name().trim(),
        event: event(),
        waitMinutes: waited() ? minutes() : null,
        conditions: conditions(),
        actions: steps(),
      }
      if (props.rule) await api.patch(props.rule.id, input)
      else await api.create(props.inboxId, { ...input, enabled: true })
      await props.reload()
      props.onDone(true)
    } catch (err) {
      setError(refusal(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form
      class="macro-form rule-form"
      aria-label={props.rule ? t('Edit {name}', { name: props.rule.name }) : t('New rule')}
      onSubmit={(e) => void submit(e)}
    >
      <label>
        {t('Name')}
        <input
          required
          maxLength={MAX_NAME}
          dir="auto"
          value={name()}
          onInput={(e) => setName(e.currentTarget.value)}
          aria-invalid={bad('name')}
          aria-describedby={by('name')}
          ref={(el) => queueMicrotask(() => el.focus())}
        />
      </label>
      <div class="rule-when">
        <label>
          {t('When')}
          <select onChange={(e) => setEvent(e.currentTarget.value as Rule['event'])}>
            <Index each={EVENTS}>
              {(pair) => (
                <option value={pair()[0]} selected={pair()[0] === event()}>
                  {t(pair()[1])}
                </option>
              )}
            </Index>
          </select>
        </label>
        <Show when={waited()}>
          <label>
            {t('Minutes')}
            <input
              type="number"
              inputMode="numeric"
              required
              min={1}
              max={MAX_WAIT}
              value={minutes()}
              onInput={(e) => setMinutes(e.currentTarget.valueAsNumber)}
              aria-invalid={bad('minutes')}
              aria-describedby={by('minutes')}
            />
          </label>
        </Show>
      </div>
      <fieldset class="rule-part">
        <legend>{t('If all of these hold')}</legend>
        <Show
          when={conditions().length > 0}
          fallback={<p class="muted">{t('No conditions: every time.')}</p>}
        >
          <ol class="macro-steps rule-conditions" ref={conditionList} aria-label={t('Conditions')}>
            <Index each={conditions()}>
              {(condition, i) => (
                <RuleConditionRow
                  condition={condition()}
                  n={i + 1}
                  inboxId={props.inboxId}
                  invalid={bad(`cond-${i}`)}
                  describedBy={by(`cond-${i}`)}
                  onChange={(next) =>
                    changeConditions(conditions().map((c, j) => (j === i ? next : c)))
                  }
                  onRemove={() =>
                    changeConditions(
                      conditions().filter((_, j) => j !== i),
                      Math.min(i, conditions().length - 2),
                    )
                  }
                />
              )}
            </Index>
          </ol>
        </Show>
        <Show when={conditions().length < MAX_CONDITIONS}>
          <button
            type="button"
            class="secondary"
            ref={addCondition}
            onClick={() =>
              changeConditions([...conditions(), freshCondition('label')], conditions().length)
            }
          >
            {t('Add condition')}
          </button>
        </Show>
      </fieldset>
      <fieldset class="rule-part">
        <legend>{t('Then')}</legend>
        <ActionSteps
          inboxId={props.inboxId}
          steps={steps()}
          onChange={changeSteps}
          invalid={(i) => bad(`step-${i}`)}
          describedBy={(i) => by(`step-${i}`)}
          runner={false}
          extra={[NOTIFY, webhook.kind, APPLY_SLA, SET_ATTRIBUTE]}
          ref={(el) => (list = el)}
        />
        <Show when={steps().length < MAX_ACTIONS}>
          <button
            type="button"
            class="secondary"
            onClick={() =>
              changeSteps([...steps(), freshAction('send_message') as RuleAction], steps().length)
            }
          >
            {t('Add action')}
          </button>
        </Show>
      </fieldset>
      <RuleDryRun
        inboxId={props.inboxId}
        input={() => ({
          event: event(),
          waitMinutes: waited() ? minutes() : null,
          conditions: conditions(),
        })}
      />
      <div class="form-foot">
        <button type="submit" disabled={busy()}>
          {props.rule ? t('Save') : t('Add rule')}
        </button>
        <button type="button" class="secondary" onClick={() => props.onDone(false)}>
          {t('Cancel')}
        </button>
      </div>
      <Show when={error()}>
        {(refused) => (
          <p id={`${uid}-error`} class="error" role="alert">
            {refused().message}
          </p>
        )}
      </Show>
    </form>
  )
}
