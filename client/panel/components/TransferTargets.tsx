/**
 * Where a transfer can go: the inbox's branches (closed now, who is free) and every operator
 * of every branch (picture, status, open load, branches). One radio group over both lists, so
 * the arrows walk through all of it; the first choice takes focus when the lists appear.
 */
import { createUniqueId, For, Show } from 'solid-js'
import type { Conversation } from '../../shared/index.ts'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { usePanel } from '../context.ts'
import type { Team, TeamMember } from '../api.ts'
import type { TransferTarget } from '../transfers.ts'
import { msg, t, tn } from '../i18n.ts'
import { Avatar } from './Avatar.tsx'

/** What the dialog says about an operator: available, else their status, or offline (absent). */
type Reachability = 'available' | TeamMember['status'] | 'offline'

function reachability(op: TeamMember): Reachability {
  if (op.available) return 'available'
  return op.present ? op.status : 'offline'
}

const STATE_TEXT: Record<Reachability, string> = {
  available: msg('Available'),
  online: msg('Online'),
  away: msg('Away'),
  busy: msg('Busy'),
  offline: msg('Offline'),
}

/** Available first, then the others who are signed in, then by name. */
const RANK: Record<Reachability, number> = { available: 0, online: 1, away: 1, busy: 1, offline: 2 }

export function TransferTargets(props: {
  team: Team
  conversation: Conversation
  selected: TransferTarget | null
  onSelect: (to: TransferTarget) => void
}) {
  const panel = usePanel()
  const group = createUniqueId()
  const me = () => panel.state.login?.operator.id
  let focused = false
  /** `ref` of each branch's radio: the first (every inbox has a branch) takes focus once. */
  const first = (el: HTMLInputElement) => {
    if (focused) return
    focused = true
    queueMicrotask(() => el.focus())
  }
  const chosenBranch = () => {
    const to = props.selected
    return to && 'branchId' in to ? to.branchId : null
  }
  const chosenOperator = () => {
    const to = props.selected
    return to && 'operatorId' in to ? to.operatorId : null
  }
  const operators = () =>
    props.team.operators
      .filter((op) => op.canChat)
      .sort(
        (a, b) =>
          RANK[reachability(a)] - RANK[reachability(b)] ||
          a.name.localeCompare(b.name) ||
          (a.id < b.id ? -1 : 1),
      )
  /** The default branch first, then by name. */
  const branches = () =>
    [...props.team.branches].sort(
      (a, b) => Number(b.isDefault) - Number(a.isDefault) || a.name.localeCompare(b.name),
    )
  const branchNames = (ids: string[]) =>
    ids
      .map((id) => props.team.branches.find((b) => b.id === id)?.name)
      .filter((name) => !!name)
      .join(', ')
  const branchMeta = (b: Team['branches'][number]) => {
    const parts: string[] = []
    if (b.id === props.conversation.branchId) parts.push(t('Its branch now'))
    const free = props.team.operators.filter((op) => op.available && op.branchIds.includes(b.id))
    if (!b.withinHours) parts.push(t('Closed now: it waits in the queue'))
    else if (free.length === 0) parts.push(t('Nobody available: it waits in the queue'))
    else parts.push(tn(free.length, '{n} available', '{n} available'))
    return parts.join(' · ')
  }
  return (
    <>
      <fieldset class="targets">
        <legend>{t("To a branch's first free operator")}</legend>
        <For each={branches()}>
          {(b) => (
            <label class="target" data-branch-id={b.id}>
              <input
                ref={first}
                type="radio"
                name={group}
                checked={chosenBranch() === b.id}
                onChange={() => props.onSelect({ branchId: b.id })}
              />
              <span class="target-text">
                <span class="target-name">
                  <SafeText text={b.name} />
                  <Show when={!b.withinHours}>
                    <span class="pill closed-pill">{t('Closed now')}</span>
                  </Show>
                </span>
                <span class="target-meta">{branchMeta(b)}</span>
              </span>
            </label>
          )}
        </For>
      </fieldset>
      <fieldset class="targets">
        <legend>{t('To an operator')}</legend>
        <For
          each={operators()}
          fallback={<p class="muted">{t('Nobody else can chat in this inbox.')}</p>}
        >
          {(op) => {
            const holder = () => op.id === props.conversation.assigneeId
            const state = () => reachability(op)
            const meta = () =>
              [
                t(STATE_TEXT[state()]),
                tn(op.open, '{n} open', '{n} open'),
                branchNames(op.branchIds) || null,
                holder() ? t('Has it now') : null,
              ]
                .filter((part) => part !== null)
                .join(' · ')
            return (
              <label class="target" classList={{ disabled: holder() }} data-operator-id={op.id}>
                <input
                  type="radio"
                  name={group}
                  disabled={holder()}
                  checked={chosenOperator() === op.id}
                  onChange={() => props.onSelect({ operatorId: op.id })}
                />
                <span class="target-avatar">
                  <Avatar name={op.name} colorKey={op.id} avatarId={op.avatarId} />
                  <span class="dot" data-state={state()} aria-hidden="true" />
                </span>
                <span class="target-text">
                  <span class="target-name">
                    <SafeText text={op.name} />
                    <Show when={op.id === me()}> ({t('you')})</Show>
                  </span>
                  <span class="target-meta">{meta()}</span>
                </span>
              </label>
            )
          }}
        </For>
      </fieldset>
    </>
  )
}
