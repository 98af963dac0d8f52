/**
 * The list's filter by a conversation attribute of one inbox (issue 20): which attribute, then
 * the value, from its choices (a list, yes or no) or typed (applied on Enter or on leaving the
 * field); the list asks for `attribute=key:value`. A chunk of its own, with the definitions:
 * the panel's first load stays small.
 */
import { createEffect, createSignal, For, Show } from 'solid-js'
import { definitionsOf, loadDefinitions } from '../attributes/defs.ts'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'

export function AttributeFilter(props: { inboxId: string }) {
  const panel = usePanel()
  createEffect(() => loadDefinitions(panel.http, props.inboxId))
  const filter = () => panel.state.list.attribute
  const defs = () => definitionsOf(props.inboxId, 'conversation')
  const [key, setKey] = createSignal(filter().slice(0, Math.max(0, filter().indexOf(':'))))
  const def = () => defs().find((d) => d.key === key())
  const value = () => filter().slice(filter().indexOf(':') + 1)
  const set = (attribute: string) => panel.actions.setList({ attribute })
  const setValue = (v: string) => set(v ? `${key()}:${v}` : '')
  return (
    <>
      <Show when={defs().length > 0}>
        <select
          aria-label={t('Attribute')}
          value={key()}
          onChange={(e) => {
            setKey(e.currentTarget.value)
            if (filter()) set('')
          }}
        >
          <option value="">{t('Any attribute')}</option>
          <For each={defs()}>{(d) => <option value={d.key}>{d.name}</option>}</For>
        </select>
      </Show>
      <Show when={def()}>
        {(d) => (
          <>
            <Show when={d().type === 'list' || d().type === 'checkbox'}>
              <select
                aria-label={t('{name} is', { name: d().name })}
                value={value()}
                onChange={(e) => setValue(e.currentTarget.value)}
              >
                <option value="">{t('Any value')}</option>
                <For
                  each={
                    d().type === 'list'
                      ? d().options.map((o) => [o, o])
                      : [
                          ['true', t('Yes')],
                          ['false', t('No')],
                        ]
                  }
                >
                  {([v, words]) => <option value={v}>{words}</option>}
                </For>
              </select>
            </Show>
            <Show when={d().type !== 'list' && d().type !== 'checkbox'}>
              <input
                class="attr-filter"
                aria-label={t('{name} is', { name: d().name })}
                placeholder={t('Value')}
                type={d().type === 'number' ? 'number' : d().type === 'date' ? 'date' : 'text'}
                dir="auto"
                value={value()}
                onChange={(e) => setValue(e.currentTarget.value.trim())}
              />
            </Show>
          </>
        )}
      </Show>
    </>
  )
}
