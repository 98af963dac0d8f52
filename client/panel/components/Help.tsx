/**
 * The help center in the settings (issue 21), for admins and supervisors: an on-demand chunk
 * (Help-*, client/build.ts) with its Russian inside (../help/HelpApi.ts `th`). A portal
 * picker (the inboxes they may write, and the shared portal), the portal's categories (added,
 * renamed in English and Russian, moved up and down, deleted after a confirmation) and its
 * articles (filtered by language and status; a row opens the editor, HelpEditor.tsx, in place
 * of the lists; closing it hands the focus back to the row, or to "New article").
 */
import {
  createResource,
  createSignal,
  createUniqueId,
  For,
  Index,
  Show,
  type Accessor,
} from 'solid-js'
import { httpJson } from '../../shared/index.ts'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { usePanel } from '../context.ts'
import {
  categoryName,
  failure,
  helpApi,
  LANGUAGE_NAMES,
  LANGUAGES,
  STATUS_NAMES,
  STATUSES,
  th,
  when,
  type HelpCategory,
} from '../help/HelpApi.ts'
import { Confirm } from '../help/Confirm.tsx'
import { HelpEditor } from './HelpEditor.tsx'
// Inside the chunk, not a file of its own: the settings' import of this chunk names one file.
import css from '../help/help.css?inline'

/** Null for the shared portal. */
const inboxOf = (portal: string) => (portal === 'shared' ? null : portal)

export default function HelpCenter() {
  const panel = usePanel()
  const api = helpApi(panel.http)
  // The inboxes they may write: an admin's all; a supervisor's, those of their scope.
  const [inboxes] = createResource(() =>
    panel.state.login?.operator.role === 'admin'
      ? panel.state.inboxes
      : httpJson<{ inboxes: Array<{ id: string; name: string }> }>(
          panel.http.baseUrl,
          '/api/inboxes',
          { token: panel.http.token() },
        ).then(
          (r) => r.inboxes,
          () => [],
        ),
  )
  const headingId = createUniqueId()
  const [portal, setPortal] = createSignal('shared')
  /** The article open in the editor: its id, '' for a new one; null: the lists. */
  const [editing, setEditing] = createSignal<string | null>(null)
  const [language, setLanguage] = createSignal('')
  const [status, setStatus] = createSignal('')
  const [error, setError] = createSignal<string | null>(null)
  let section!: HTMLElement

  const [categories, { refetch: reloadCategories }] = createResource(portal, (p) =>
    api.categories(p).then((r) => r.categories),
  )
  /** The portal's own categories (an inbox's list names the shared ones too). */
  const own = () => (categories() ?? []).filter((c) => c.inboxId === inboxOf(portal()))
  const [articles, { refetch: reloadArticles }] = createResource(
    () =>
      editing() === null ? { portal: portal(), language: language(), status: status() } : null,
    (filter) => api.articles(filter).then((r) => r.articles),
  )

  /** Runs a change, then reads the categories again; says why not. */
  const change = async (work: () => Promise<unknown>): Promise<boolean> => {
    setError(null)
    try {
      await work()
      await reloadCategories()
      return true
    } catch (e) {
      setError(failure(e))
      return false
    }
  }

  /** Moves a category one place; the focus stays on its button (or the other one at an end). */
  const move = async (c: HelpCategory, by: -1 | 1, button: 'up' | 'down') => {
    const list = [...own()]
    const from = list.indexOf(c)
    const to = from + by
    if (from < 0 || to < 0 || to >= list.length) return
    list.splice(to, 0, ...list.splice(from, 1))
    const moved = await change(() =>
      Promise.all(
        list.flatMap((x, i) =>
          x.position === i ? [] : [api.patchCategory(x.id, { position: i })],
        ),
      ),
    )
    if (!moved) return
    const row = section.querySelector(`[data-category="${CSS.escape(c.id)}"]`)
    const same = row?.querySelector<HTMLButtonElement>(`[data-move="${button}"]`)
    const other = row?.querySelector<HTMLButtonElement>(
      `[data-move="${button === 'up' ? 'down' : 'up'}"]`,
    )
    ;(same && !same.disabled ? same : other)?.focus()
  }

  const [renaming, setRenaming] = createSignal<string | null>(null)
  const [deleting, setDeleting] = createSignal<HelpCategory | null>(null)

  /** The editor closed: the lists again, the focus on the article's row (or "New article"). */
  const closeEditor = (id: string | null) => {
    setEditing(null)
    // Once the list is back (read anew and drawn): its row, else "New article". The rows are
    // drawn a frame or more after the read resolves: look for a while, then give up.
    const focus = (frames: number) => {
      const row = id && section.querySelector<HTMLElement>(`[data-article="${CSS.escape(id)}"]`)
      if (row) return row.focus()
      if (frames > 0) return requestAnimationFrame(() => focus(frames - 1))
      section.querySelector<HTMLElement>('[data-new-article]')?.focus()
    }
    void Promise.resolve(reloadArticles()).then(() => requestAnimationFrame(() => focus(60)))
  }

  return (
    <section class="card help-admin" aria-labelledby={headingId} ref={section}>
      <style>{css}</style>
      <h3 id={headingId}>{th('Help center')}</h3>
      <p class="muted hint">
        {th(
          'Articles visitors read on the help site and in the widget; operators link them in replies.',
        )}
      </p>
      <label class="help-field">
        <span>{th('Portal')}</span>
        <select
          value={portal()}
          onChange={(e) => {
            setEditing(null)
            setPortal(e.currentTarget.value)
          }}
        >
          <option value="shared">{th('Shared (every inbox)')}</option>
          <For each={inboxes()}>{(inbox) => <option value={inbox.id}>{inbox.name}</option>}</For>
        </select>
      </label>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
      <Show
        when={editing() === null}
        fallback={
          <HelpEditor
            api={api}
            portal={portal()}
            id={editing() || null}
            categories={categories() ?? []}
            onOpen={(id) => setEditing(id)}
            onClose={closeEditor}
          />
        }
      >
        <h4>{th('Categories')}</h4>
        <Show when={own().length > 0} fallback={<p class="muted">{th('No categories yet.')}</p>}>
          <ul class="help-list" aria-label={th('Categories')}>
            <Index each={own()}>
              {(c, i) => (
                <li class="help-row" data-category={c().id}>
                  <Show
                    when={renaming() === c().id}
                    fallback={
                      <>
                        <span class="help-row-main">
                          <SafeText text={categoryName(c())} />
                          <span class="muted">
                            {' '}
                            {[c().names.en, c().names.ru].filter(Boolean).join(' / ')}
                          </span>
                        </span>
                        <span class="help-actions">
                          <button
                            type="button"
                            class="secondary"
                            data-move="up"
                            disabled={i === 0}
                            aria-label={th('Move {name} up', { name: categoryName(c()) })}
                            onClick={() => void move(c(), -1, 'up')}
                          >
                            ↑
                          </button>
                          <button
                            type="button"
                            class="secondary"
                            data-move="down"
                            disabled={i === own().length - 1}
                            aria-label={th('Move {name} down', { name: categoryName(c()) })}
                            onClick={() => void move(c(), 1, 'down')}
                          >
                            ↓
                          </button>
                          <button
                            type="button"
                            class="secondary"
                            data-rename
                            aria-label={th('Rename {name}', { name: categoryName(c()) })}
                            onClick={() => setRenaming(c().id)}
                          >
                            {th('Rename')}
                          </button>
                          <button
                            type="button"
                            class="secondary"
                            aria-label={th('Delete {name}', { name: categoryName(c()) })}
                            onClick={() => setDeleting(c())}
                          >
                            {th('Delete')}
                          </button>
                        </span>
                      </>
                    }
                  >
                    <CategoryForm
                      names={c().names}
                      button={th('Save')}
                      onSave={(names) => change(() => api.patchCategory(c().id, { names }))}
                      onDone={() => {
                        const id = c().id
                        setRenaming(null)
                        section
                          .querySelector<HTMLElement>(
                            `[data-category="${CSS.escape(id)}"] [data-rename]`,
                          )
                          ?.focus()
                      }}
                    />
                  </Show>
                </li>
              )}
            </Index>
          </ul>
        </Show>
        <CategoryForm
          names={{}}
          button={th('Add category')}
          onSave={(names) =>
            change(() =>
              api.addCategory(
                portal(),
                names,
                own().reduce((n, c) => Math.max(n, c.position + 1), 0),
              ),
            )
          }
        />
        <h4>{th('Articles')}</h4>
        <div class="help-filters">
          <label class="help-field">
            <span>{th('Language')}</span>
            <select value={language()} onChange={(e) => setLanguage(e.currentTarget.value)}>
              <option value="">{th('All')}</option>
              <For each={LANGUAGES}>
                {(l) => <option value={l}>{th(LANGUAGE_NAMES[l])}</option>}
              </For>
            </select>
          </label>
          <label class="help-field">
            <span>{th('Status')}</span>
            <select value={status()} onChange={(e) => setStatus(e.currentTarget.value)}>
              <option value="">{th('All')}</option>
              <For each={STATUSES}>{(s) => <option value={s}>{th(STATUS_NAMES[s])}</option>}</For>
            </select>
          </label>
          <button type="button" data-new-article onClick={() => setEditing('')}>
            {th('New article')}
          </button>
        </div>
        <Show when={articles.error}>
          <p class="error" role="alert">
            {failure(articles.error)}
          </p>
        </Show>
        <Show
          when={(articles() ?? []).length > 0}
          fallback={<p class="muted">{th('No articles here yet.')}</p>}
        >
          <ul class="help-list" aria-label={th('Articles')}>
            <For each={articles()}>
              {(a) => (
                <li class="help-row">
                  <span class="help-row-main">
                    <button
                      type="button"
                      class="link-button help-link"
                      style={{ color: 'var(--text)', 'text-decoration': 'underline' }}
                      data-article={a.id}
                      onClick={() => setEditing(a.id)}
                    >
                      <SafeText text={a.title} />
                    </button>
                    <span class="muted">
                      {a.language.toUpperCase()} ·{' '}
                      {th('Updated {time}', { time: when(a.updatedAt) })}
                    </span>
                  </span>
                  <span class="help-status" data-status={a.status}>
                    {th(STATUS_NAMES[a.status])}
                  </span>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Show>
      <Show when={deleting()}>
        {(c) => (
          <Confirm
            title={th('Delete the category {name}?', { name: categoryName(c()) })}
            confirm={th('Delete category')}
            danger
            run={async () => {
              try {
                await api.removeCategory(c().id)
                await reloadCategories()
                return null
              } catch (e) {
                return failure(e)
              }
            }}
            onClose={() => {
              const gone = !own().some((x) => x.id === c().id)
              setDeleting(null)
              if (gone) section.querySelector<HTMLElement>('[data-new-category]')?.focus()
            }}
          >
            <p>{th('Its articles stay, without a category.')}</p>
          </Confirm>
        )}
      </Show>
    </section>
  )
}

/** A category's names in English and Russian; `onSave` answers whether it was saved. */
function CategoryForm(props: {
  names: HelpCategory['names']
  button: string
  onSave: (names: HelpCategory['names']) => Promise<boolean>
  onDone?: () => void
}) {
  const [en, setEn] = createSignal(props.names.en ?? '')
  const [ru, setRu] = createSignal(props.names.ru ?? '')
  const field = (label: string, value: Accessor<string>, set: (v: string) => void) => (
    <label class="help-field">
      <span>{label}</span>
      <input value={value()} maxLength={200} onInput={(e) => set(e.currentTarget.value)} />
    </label>
  )
  return (
    <form
      class="help-category-form"
      onSubmit={async (e) => {
        e.preventDefault()
        const names = {
          ...(en().trim() ? { en: en().trim() } : {}),
          ...(ru().trim() ? { ru: ru().trim() } : {}),
        }
        if (!names.en && !names.ru) return
        if (!(await props.onSave(names))) return
        if (props.onDone) props.onDone()
        else {
          setEn('')
          setRu('')
        }
      }}
      onKeyDown={(e) => e.key === 'Escape' && props.onDone?.()}
    >
      {field(th('Name in English'), en, setEn)}
      {field(th('Name in Russian'), ru, setRu)}
      <button type="submit" data-new-category={props.onDone ? undefined : ''}>
        {props.button}
      </button>
      <Show when={props.onDone}>
        <button type="button" class="secondary" onClick={() => props.onDone?.()}>
          {th('Cancel')}
        </button>
      </Show>
    </form>
  )
}
