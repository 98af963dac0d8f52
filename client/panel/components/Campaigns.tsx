/**
 * Admins and the inbox's supervisors, in an inbox's settings: its proactive messages (issue 20,
 * M6), an on-demand chunk (Campaigns-*, client/build.ts) with its Russian inside
 * (../campaigns/text.ts). Each row: its name, how many visitors it was shown to and how many
 * replied (all time), its rules in short, and a switch that pauses it or turns it back on;
 * changed in place (CampaignForm), deleted after a confirmation. Under the list, the inbox's
 * frequency cap (CampaignGap).
 */
import { createSignal, onMount, Show } from 'solid-js'
import { createStore, reconcile } from 'solid-js/store'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { AUDIENCES, campaignsApi, dateTime, tc, type Campaign } from '../campaigns/index.ts'
import { describe } from '../chat.ts'
import { usePanel } from '../context.ts'
import { LOCALES, t } from '../i18n.ts'
import { CampaignForm } from './CampaignForm.tsx'
import { CampaignGap } from './CampaignGap.tsx'
import { SettingsList } from './SettingsList.tsx'
import '../campaigns/campaigns.css'

/** "Page *pricing* · After 30 s · New visitors · DE, FR · English · Business hours only". */
function rulesText(c: Campaign): string {
  const r = c.rules
  const audience = AUDIENCES.find(([id]) => id === r.audience)?.[1] ?? 'Everyone'
  return [
    r.urlPattern ? tc('Page {pattern}', { pattern: r.urlPattern }) : tc('Any page'),
    ...(r.afterSeconds ? [tc('After {n} s', { n: r.afterSeconds })] : []),
    tc(audience),
    ...(r.countries.length ? [r.countries.join(', ')] : []),
    ...LOCALES.filter((l) => r.languages.includes(l.id)).map((l) => l.name),
    ...(r.businessHoursOnly ? [tc('Business hours only')] : []),
    ...(c.startsAt !== null ? [tc('From {time}', { time: dateTime(c.startsAt) })] : []),
    ...(c.endsAt !== null ? [tc('Until {time}', { time: dateTime(c.endsAt) })] : []),
  ].join(' · ')
}

export default function Campaigns(props: { inboxId: string }) {
  const panel = usePanel()
  const api = campaignsApi(panel.http)
  const [state, setState] = createStore<{ campaigns?: Campaign[]; gapMinutes?: number }>({})
  /** A row's switch refused (its id), or the list unreadable (''). */
  const [failure, setFailure] = createSignal<{ id: string; message: string } | null>(null)
  const load = async () => {
    try {
      const r = await api.list(props.inboxId)
      setState('campaigns', reconcile(r.campaigns, { key: 'id' }))
      setState('gapMinutes', r.gapMinutes)
      if (failure()?.id === '') setFailure(null)
    } catch (e) {
      setFailure({ id: '', message: describe(e) })
    }
  }
  onMount(() => void load())

  /** Pauses it or turns it on; the row stays (and its switch keeps the focus). */
  const toggle = async (c: Campaign, input: HTMLInputElement) => {
    setFailure(null)
    try {
      const { campaign } = await api.patch(c.id, { enabled: input.checked })
      setState('campaigns', (x) => x.id === campaign.id, campaign)
    } catch (e) {
      input.checked = c.enabled
      setFailure({ id: c.id, message: describe(e) })
    }
  }

  return (
    <>
      <SettingsList
        title={tc('Proactive messages')}
        hint={tc(
          'Messages the widget shows unasked to the visitors their rules match, once each at most. A visitor who answers starts a conversation.',
        )}
        class="label-admin campaign-admin"
        items={state.campaigns}
        row={(c) => (
          <div class="campaign-row">
            <div class="campaign-summary">
              <SafeText class="campaign-name" text={c.name} />
              <span class="muted" data-testid="campaign-counts">
                {tc('Shown {shown} · replied {replied}', { shown: c.shown, replied: c.replied })}
              </span>
              <span class="muted" data-testid="campaign-rules">
                {rulesText(c)}
              </span>
              <Show when={failure()?.id === c.id}>
                <p class="error" role="alert">
                  {failure()?.message}
                </p>
              </Show>
            </div>
            <label class="check campaign-on">
              <input
                type="checkbox"
                role="switch"
                checked={c.enabled}
                aria-label={t('{name} is on', { name: c.name })}
                onChange={(e) => void toggle(c, e.currentTarget)}
              />
              <span aria-hidden="true">{c.enabled ? t('On') : tc('Paused')}</span>
            </label>
          </div>
        )}
        form={(c, done) => (
          <CampaignForm inboxId={props.inboxId} campaign={c} onDone={done} reload={load} />
        )}
        add={tc('New proactive message')}
        confirm={[
          (c) => tc('Delete the proactive message {name}?', { name: c.name }),
          tc('Delete message'),
          tc('Visitors no longer see it; conversations it started stay.'),
        ]}
        remove={async (c) => {
          await api.remove(c.id)
          await load()
        }}
      >
        <Show when={state.gapMinutes !== undefined}>
          <CampaignGap
            inboxId={props.inboxId}
            minutes={state.gapMinutes ?? 0}
            onSaved={(n) => setState('gapMinutes', n)}
          />
        </Show>
      </SettingsList>
      <Show when={failure()?.id === ''}>
        <p class="error" role="alert">
          {failure()?.message}
        </p>
      </Show>
    </>
  )
}
