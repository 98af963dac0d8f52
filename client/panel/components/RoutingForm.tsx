/**
 * Admin: where an inbox's new conversations go: the default branch, and GeoIP rules (country,
 * optionally a region, to a branch; the most specific matching rule wins, so order does not
 * matter). Saved together; a refusal names the rule, which is marked.
 */
import { createEffect, createMemo, createSignal, createUniqueId, For, on, Show } from 'solid-js'
import { createStore } from 'solid-js/store'
import { showControls } from '../../shared/index.ts'
import type { InboxBranches } from '../api.ts'
import { usePanel } from '../context.ts'
import { listFocus } from '../focus.ts'
import { names } from '../form-errors.ts'
import { countryNames } from '../format.ts'
import { t } from '../i18n.ts'

/** A rule as the form holds it: no region is an empty one. */
interface RuleDraft {
  country: string
  region: string
  branchId: string
}

const toDrafts = (data: InboxBranches): RuleDraft[] =>
  data.geoRules.map((r) => ({ country: r.country, region: r.region ?? '', branchId: r.branchId }))

export function RoutingForm(props: { inboxId: string; data: InboxBranches }) {
  const panel = usePanel()
  // Named in the UI language, again when it changes.
  const countries = createMemo(() => countryNames())
  const [defaultId, setDefaultId] = createSignal(props.data.defaultBranchId)
  const [rules, setRules] = createStore<RuleDraft[]>(toDrafts(props.data))
  const [error, setError] = createSignal<string | null>(null)
  const [saved, setSaved] = createSignal(false)
  const [busy, setBusy] = createSignal(false)
  const titleId = createUniqueId()
  const countriesId = createUniqueId()
  const errorId = createUniqueId()
  const focus = listFocus()
  // The server's copy after every change (a deleted branch takes its rules with it).
  createEffect(
    on(
      () => props.data,
      (data) => {
        setDefaultId(data.defaultBranchId)
        setRules(toDrafts(data))
      },
      { defer: true },
    ),
  )
  const bad = (path: string) => names(error(), path) || undefined
  const describedBy = (path: string) => (names(error(), path) ? errorId : undefined)
  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    setBusy(true)
    setSaved(false)
    setError(null)
    const failure = await panel.actions.saveRouting(props.inboxId, {
      defaultBranchId: defaultId(),
      geoRules: rules.map((r) => ({
        country: r.country.trim(),
        region: r.region.trim() || null,
        branchId: r.branchId,
      })),
    })
    setBusy(false)
    if (failure) setError(failure)
    else setSaved(true)
  }
  const addRule = () => {
    focus.adding()
    const target = props.data.branches.find((b) => !b.isDefault) ?? props.data.branches[0]
    setRules(rules.length, { country: '', region: '', branchId: target?.id ?? '' })
  }
  return (
    <form class="card routing-form" aria-labelledby={titleId} onSubmit={(e) => void submit(e)}>
      <h3 id={titleId}>{t('Routing')}</h3>
      <label>
        {t('Default branch')}
        <select
          value={defaultId()}
          onChange={(e) => setDefaultId(e.currentTarget.value)}
          aria-invalid={bad('defaultBranchId')}
          aria-describedby={describedBy('defaultBranchId')}
        >
          <For each={props.data.branches}>
            {(b) => <option value={b.id}>{showControls(b.name)}</option>}
          </For>
        </select>
      </label>
      <p class="muted">
        {t(
          "New conversations go to the default branch unless a GeoIP rule matches the visitor's location. A rule with a region wins over one for the whole country.",
        )}
      </p>
      <fieldset class="rules">
        <legend>{t('GeoIP rules')}</legend>
        <Show when={rules.length > 0} fallback={<p class="muted">{t('No rules.')}</p>}>
          <ul class="rule-list">
            <For each={rules}>
              {(rule, i) => {
                const path = (field: keyof RuleDraft) => `rules[${i()}].${field}`
                const nameId = createUniqueId()
                return (
                  <li class="rule">
                    <div class="country">
                      <label>
                        {t('Country')}
                        <input
                          ref={focus.first}
                          list={countriesId}
                          required
                          maxLength={2}
                          pattern="[A-Za-z]{2}"
                          autocomplete="off"
                          spellcheck={false}
                          value={rule.country}
                          onInput={(e) =>
                            setRules(i(), 'country', e.currentTarget.value.toUpperCase())
                          }
                          aria-invalid={bad(path('country'))}
                          aria-describedby={
                            [nameId, describedBy(path('country'))].filter(Boolean).join(' ') ||
                            undefined
                          }
                        />
                      </label>
                      <span id={nameId} class="muted country-name">
                        {countries().name(rule.country) ?? ''}
                      </span>
                    </div>
                    <label class="region">
                      {t('Region (optional)')}
                      <input
                        maxLength={64}
                        dir="auto"
                        value={rule.region}
                        onInput={(e) => setRules(i(), 'region', e.currentTarget.value)}
                        aria-invalid={bad(path('region'))}
                        aria-describedby={describedBy(path('region'))}
                      />
                    </label>
                    <label class="target">
                      {t('Branch')}
                      <select
                        value={rule.branchId}
                        onChange={(e) => setRules(i(), 'branchId', e.currentTarget.value)}
                        aria-invalid={bad(path('branchId'))}
                        aria-describedby={describedBy(path('branchId'))}
                      >
                        <For each={props.data.branches}>
                          {(b) => <option value={b.id}>{showControls(b.name)}</option>}
                        </For>
                      </select>
                    </label>
                    <button
                      type="button"
                      class="secondary small"
                      onClick={() => {
                        setRules((list) => list.filter((_, n) => n !== i()))
                        focus.removed()
                      }}
                    >
                      {t('Remove')}
                    </button>
                  </li>
                )
              }}
            </For>
          </ul>
        </Show>
        <datalist id={countriesId}>
          <For each={countries().list}>{(c) => <option value={c.code} label={c.name} />}</For>
        </datalist>
        <div>
          <button ref={focus.addButton} type="button" class="secondary" onClick={addRule}>
            {t('Add rule')}
          </button>
        </div>
      </fieldset>
      <Show when={error()}>
        <p id={errorId} class="error" role="alert">
          {error()}
        </p>
      </Show>
      <div class="form-foot">
        <button type="submit" disabled={busy()}>
          {t('Save routing')}
        </button>
        <Show when={saved()}>
          <span class="muted" role="status">
            {t('Saved')}
          </span>
        </Show>
      </div>
    </form>
  )
}
