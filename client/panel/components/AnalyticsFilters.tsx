/**
 * The dashboard's filter bar: the dates (presets or two days of the viewer's calendar), the
 * charts' interval, and inbox, branch, operator, channel and country. Every change applies at
 * once (the page keeps it in its hash). Branches and operators follow the chosen inbox.
 */
import { createSignal, For, Show } from 'solid-js'
import { CHANNELS, INTERVALS, isoDate, PRESETS, type Filters } from '../analytics-api.ts'
import type { BreakdownRow } from '../../../protocol/analytics.ts'
import { channelName, countryName, INTERVAL_LABELS, PRESET_LABELS } from '../analytics-format.ts'
import { t, tx } from '../i18n.ts'

export interface FilterOptions {
  inboxes: Array<{ id: string; name: string }>
  branches: Array<{ id: string; name: string; inboxId: string; inboxName: string }>
  operators: Array<{ id: string; name: string; inboxIds: string[] }>
}

export function AnalyticsFilters(props: {
  filters: Filters
  options: FilterOptions
  /** The report's countries: offered as suggestions for the code. */
  countries: BreakdownRow[]
  onChange(patch: Partial<Filters>): void
}) {
  const f = () => props.filters
  const [countryError, setCountryError] = createSignal(false)
  const severalInboxes = () => props.options.inboxes.length > 1
  const branches = () => props.options.branches.filter((b) => !f().inbox || b.inboxId === f().inbox)
  const operators = () =>
    props.options.operators.filter((o) => !f().inbox || o.inboxIds.includes(f().inbox))
  const setRange = (range: Filters['range']) => {
    if (range !== 'custom') return props.onChange({ range })
    // Custom starts from the last 7 days, ready to change.
    const today = new Date()
    const from =
      f().from || isoDate(new Date(today.getFullYear(), today.getMonth(), today.getDate() - 6))
    props.onChange({ range, from, to: f().to || isoDate(today) })
  }
  const setCountry = (value: string) => {
    const code = value.trim().toUpperCase()
    const ok = code === '' || /^[A-Z]{2}$/.test(code)
    setCountryError(!ok)
    if (ok) props.onChange({ country: code })
  }
  /** A select that keeps a chosen id not (or not yet) in its list. */
  const kept = (id: string, list: Array<{ id: string }>) =>
    id !== '' && !list.some((x) => x.id === id)

  return (
    <form class="an-filters" aria-label={t('Filters')} onSubmit={(e) => e.preventDefault()}>
      <label>
        {t('Dates')}
        <select
          value={f().range}
          onChange={(e) => setRange(e.currentTarget.value as Filters['range'])}
        >
          <For each={PRESETS}>
            {(p) => (
              <option value={p} selected={p === f().range}>
                {t(PRESET_LABELS[p])}
              </option>
            )}
          </For>
        </select>
      </label>
      <Show when={f().range === 'custom'}>
        <label>
          {t('From')}
          <input
            type="date"
            value={f().from}
            required
            onChange={(e) =>
              e.currentTarget.value && props.onChange({ from: e.currentTarget.value })
            }
          />
        </label>
        <label>
          {t('To')}
          <input
            type="date"
            value={f().to}
            required
            onChange={(e) => e.currentTarget.value && props.onChange({ to: e.currentTarget.value })}
          />
        </label>
      </Show>
      <label>
        {t('Interval')}
        <select
          value={f().interval}
          onChange={(e) =>
            props.onChange({ interval: e.currentTarget.value as Filters['interval'] })
          }
        >
          <For each={INTERVALS}>
            {(i) => (
              <option value={i} selected={i === f().interval}>
                {t(INTERVAL_LABELS[i])}
              </option>
            )}
          </For>
        </select>
      </label>
      <label>
        {tx('filter', 'Inbox')}
        <select
          value={f().inbox}
          onChange={(e) =>
            props.onChange({ inbox: e.currentTarget.value, branch: '', operator: '' })
          }
        >
          <option value="">{t('All inboxes')}</option>
          <For each={props.options.inboxes}>
            {(i) => (
              <option value={i.id} selected={i.id === f().inbox}>
                {i.name}
              </option>
            )}
          </For>
          <Show when={kept(f().inbox, props.options.inboxes)}>
            <option value={f().inbox} selected>
              {f().inbox}
            </option>
          </Show>
        </select>
      </label>
      <label>
        {t('Branch')}
        <select
          value={f().branch}
          onChange={(e) => props.onChange({ branch: e.currentTarget.value })}
        >
          <option value="">{t('All branches')}</option>
          <For each={branches()}>
            {(b) => (
              <option value={b.id} selected={b.id === f().branch}>
                {severalInboxes() && !f().inbox ? `${b.inboxName} · ${b.name}` : b.name}
              </option>
            )}
          </For>
          <Show when={kept(f().branch, branches())}>
            <option value={f().branch} selected>
              {f().branch}
            </option>
          </Show>
        </select>
      </label>
      <label>
        {t('Operator')}
        <select
          value={f().operator}
          onChange={(e) => props.onChange({ operator: e.currentTarget.value })}
        >
          <option value="">{t('All operators')}</option>
          <For each={operators()}>
            {(o) => (
              <option value={o.id} selected={o.id === f().operator}>
                {o.name}
              </option>
            )}
          </For>
          <Show when={kept(f().operator, operators())}>
            <option value={f().operator} selected>
              {f().operator}
            </option>
          </Show>
        </select>
      </label>
      <label>
        {t('Channel')}
        <select
          value={f().channel}
          onChange={(e) => props.onChange({ channel: e.currentTarget.value })}
        >
          <option value="">{t('All channels')}</option>
          <For each={CHANNELS}>
            {(c) => (
              <option value={c} selected={c === f().channel}>
                {channelName(c)}
              </option>
            )}
          </For>
        </select>
      </label>
      <label>
        {t('Country code')}
        <input
          value={f().country}
          list="an-countries"
          maxLength={2}
          autocomplete="off"
          placeholder={t('Any')}
          aria-invalid={countryError()}
          aria-describedby={countryError() ? 'an-country-error' : undefined}
          onChange={(e) => setCountry(e.currentTarget.value)}
        />
        <datalist id="an-countries">
          <For each={props.countries}>
            {(c) => <option value={c.key}>{countryName(c.key)}</option>}
          </For>
        </datalist>
        <Show when={countryError()}>
          <span id="an-country-error" class="field-error">
            {t('Two letters, such as DE')}
          </span>
        </Show>
      </label>
    </form>
  )
}
