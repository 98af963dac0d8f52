/** The operator's own status: online, away or busy (stored by the server, shared by tabs). */
import type { OperatorStatus } from '../../shared/index.ts'
import { usePanel } from '../context.ts'
import { msg, t } from '../i18n.ts'

const LABELS: Record<OperatorStatus, string> = {
  online: msg('Online'),
  away: msg('Away'),
  busy: msg('Busy'),
}

export function StatusSwitch() {
  const panel = usePanel()
  return (
    <label class="status-switch" data-status={panel.state.status}>
      <span class="dot" aria-hidden="true" />
      <span class="sr-only">{t('My status')}</span>
      <select
        value={panel.state.status}
        disabled={panel.state.connection !== 'connected'}
        onChange={(e) =>
          void panel.actions.setOperatorStatus(e.currentTarget.value as OperatorStatus)
        }
      >
        {(Object.keys(LABELS) as OperatorStatus[]).map((s) => (
          <option value={s}>{t(LABELS[s])}</option>
        ))}
      </select>
    </label>
  )
}
