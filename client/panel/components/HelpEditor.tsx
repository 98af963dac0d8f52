/**
 * A help-center article's editor (issue 21), in the settings' Help center section (its chunk,
 * Help-*): title, slug (with the public address once published; a slug the server refuses
 * says why next to the field), category, language (a new article's), status, the Markdown with
 * its preview (rendered by the server, safe HTML, a moment after typing stops), translations and
 * revisions (view one, restore it after a confirmation).
 *
 * Saving: a draft saves itself ~2 s after typing stops (`autosave`, which the server folds into
 * the author's latest revision); Save makes a revision of its own. Saves go one at a time, each
 * from the latest revision the server returned; one asked for meanwhile waits its turn. A save
 * the server refuses because someone else saved since (409) says so, keeps the text as typed
 * and offers to reload the article underneath it.
 */
import {
  createEffect,
  createSignal,
  createUniqueId,
  For,
  on,
  onCleanup,
  onMount,
  Show,
} from 'solid-js'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { usePanel } from '../context.ts'
import { locale } from '../i18n.ts'
import {
  categoryName,
  failure,
  isConflict,
  isSlugProblem,
  LANGUAGE_NAMES,
  LANGUAGES,
  STATUS_NAMES,
  STATUSES,
  th,
  when,
  type ArticlePatch,
  type ArticleStatus,
  type ArticleView,
  type HelpApi,
  type HelpCategory,
  type HelpLanguage,
  type HelpRevision,
} from '../help/HelpApi.ts'
import { Confirm } from '../help/Confirm.tsx'

/** How long after the last key a draft saves itself, and the preview renders. */
const AUTOSAVE_MS = 2000
const PREVIEW_MS = 400

type SaveState = 'idle' | 'saving' | 'saved' | 'error' | 'conflict'

/** The article editor; `id` null: a new one, created by its first Save. */
/** What an article's image may be (the server checks the bytes). */
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif']

export function HelpEditor(props: {
  api: HelpApi
  portal: string
  id: string | null
  categories: readonly HelpCategory[]
  /** Opens another article (a translation) in the editor. */
  onOpen: (id: string) => void
  /** Back to the lists; the article's id, if it exists. */
  onClose: (id: string | null) => void
}) {
  const panel = usePanel()
  const api = props.api
  const ids = { title: createUniqueId(), slug: createUniqueId(), body: createUniqueId() }
  const [article, setArticle] = createSignal<ArticleView | null>(null)
  const [title, setTitle] = createSignal('')
  const [slug, setSlug] = createSignal('')
  const [body, setBody] = createSignal('')
  const [categoryId, setCategoryId] = createSignal<string | null>(null)
  const [language, setLanguage] = createSignal<HelpLanguage>(locale())
  const [state, setState] = createSignal<SaveState>('idle')
  const [message, setMessage] = createSignal('')
  const [slugError, setSlugError] = createSignal('')
  const [previewing, setPreviewing] = createSignal(false)
  const [preview, setPreview] = createSignal('')
  const [revisions, setRevisions] = createSignal<HelpRevision[] | null>(null)
  const [viewing, setViewing] = createSignal<HelpRevision | null>(null)
  const [restoring, setRestoring] = createSignal<HelpRevision | null>(null)
  const [uploading, setUploading] = createSignal(false)
  let titleInput!: HTMLInputElement
  let heading!: HTMLHeadingElement
  let textarea!: HTMLTextAreaElement
  let fileInput!: HTMLInputElement

  /** The latest revision the server returned: every save is made from it. */
  let fromRevision = 0
  /** Keys typed so far, and how many of them the server has. */
  let edits = 0
  let savedEdits = 0
  /** The saves, one after another; an autosave waiting its turn (so they never pile up). */
  let queue: Promise<void> = Promise.resolve()
  let autosaveWaiting = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let previewTimer: ReturnType<typeof setTimeout> | undefined
  onCleanup(() => {
    clearTimeout(timer)
    clearTimeout(previewTimer)
  })

  /** Shows an article the server sent: every field, its revision. */
  const load = (a: ArticleView) => {
    setArticle(a)
    fromRevision = a.revision
    setTitle(a.title)
    setSlug(a.slug)
    setBody(a.body)
    setCategoryId(a.categoryId)
    setLanguage(a.language)
    savedEdits = edits
  }

  onMount(async () => {
    if (props.id) {
      try {
        load(await api.article(props.id))
      } catch (e) {
        setState('error')
        setMessage(failure(e))
      }
    }
    heading.focus()
  })

  /** Queues a save: `patch` is read when its turn comes (the text as it is by then). */
  const save = (patch: () => ArticlePatch, autosave = false): Promise<void> => {
    if (autosave) {
      if (autosaveWaiting) return queue
      autosaveWaiting = true
    }
    queue = queue.then(async () => {
      if (autosave) autosaveWaiting = false
      const a = article()
      if (!a || state() === 'conflict') return
      const sent = edits
      if (autosave && sent === savedEdits) return
      setState('saving')
      setSlugError('')
      try {
        const saved = await api.save(a.id, fromRevision, patch(), autosave)
        fromRevision = saved.revision
        setArticle(saved)
        if (slug() === a.slug || !autosave) setSlug(saved.slug)
        savedEdits = sent
        setState('saved')
      } catch (e) {
        if (isConflict(e)) {
          setState('conflict')
        } else {
          setState('error')
          setMessage(failure(e))
          if (isSlugProblem(e)) setSlugError(failure(e))
        }
      }
    })
    return queue
  }

  /** Typed: the draft saves itself a moment after the typing stops. */
  const typed = () => {
    edits++
    clearTimeout(timer)
    if (article()?.status === 'draft') {
      timer = setTimeout(
        () => void save(() => ({ title: title().trim() || undefined, body: body() }), true),
        AUTOSAVE_MS,
      )
    }
  }

  /** Save: a new article is created; an existing one gets a revision with every field. */
  const saveNow = async (status?: ArticleStatus) => {
    clearTimeout(timer)
    const a = article()
    if (!a) {
      setState('saving')
      setSlugError('')
      try {
        const created = await api.create({
          portal: props.portal,
          language: language(),
          title: title(),
          body: body(),
          ...(slug().trim() ? { slug: slug().trim() } : {}),
          categoryId: categoryId(),
          status: status ?? 'draft',
        })
        load(created)
        setState('saved')
      } catch (e) {
        setState('error')
        setMessage(failure(e))
        if (isSlugProblem(e)) setSlugError(failure(e))
      }
      return
    }
    await save(() => ({
      title: title(),
      body: body(),
      ...(slug().trim() && slug().trim() !== a.slug ? { slug: slug().trim() } : {}),
      ...(categoryId() !== a.categoryId ? { categoryId: categoryId() } : {}),
      ...(status ? { status } : {}),
    }))
  }

  /** After a conflict: the article as it is now underneath the text as typed (saved next). */
  const reload = async () => {
    const a = article()
    if (!a) return
    try {
      const fresh = await api.article(a.id)
      setArticle(fresh)
      fromRevision = fresh.revision
      setState('idle')
      setMessage('')
      titleInput.focus()
    } catch (e) {
      setState('error')
      setMessage(failure(e))
    }
  }

  // The preview: rendered by the server a moment after the text stops changing.
  createEffect(
    on([previewing, body, language], ([shown, text, lang]) => {
      clearTimeout(previewTimer)
      if (!shown) return
      previewTimer = setTimeout(() => {
        api.preview(lang, text).then(
          (r) => setPreview(r.html),
          (e) => setPreview(`<p>${escapeHtml(failure(e))}</p>`),
        )
      }, PREVIEW_MS)
    }),
  )

  const loadRevisions = async () => {
    const a = article()
    if (!a) return
    try {
      setRevisions((await api.revisions(a.id)).revisions)
    } catch (e) {
      setMessage(failure(e))
      setState('error')
    }
  }

  const translate = async (to: HelpLanguage) => {
    const a = article()
    if (!a) return
    try {
      const created = await api.create({
        translationOf: a.id,
        language: to,
        title: title(),
        body: body(),
        status: 'draft',
      })
      props.onOpen(created.id)
    } catch (e) {
      setState('error')
      setMessage(failure(e))
    }
  }

  /**
   * Uploads images (the button, a paste, a drop) into the article's portal and writes each as
   * `![name](address)` at the caret, on a paragraph of its own; the draft then saves itself.
   */
  const insertImages = async (files: readonly File[]) => {
    const images = files.filter((f) => IMAGE_TYPES.includes(f.type))
    if (images.length === 0 || uploading()) return
    const a = article()
    const portal = a ? (a.inboxId ?? 'shared') : props.portal
    setUploading(true)
    try {
      for (const file of images) {
        const { image } = await api.uploadImage(portal, file)
        const alt = file.name.replace(/\.[^.]*$/, '').replace(/[[\]\\]/g, '')
        const before = body().slice(0, textarea.selectionStart)
        const after = body().slice(textarea.selectionEnd)
        const gap =
          before === '' || before.endsWith('\n\n') ? '' : before.endsWith('\n') ? '\n' : '\n\n'
        const inserted = `${gap}![${alt}](${image.url})\n\n`
        setBody(before + inserted + after)
        textarea.value = body()
        textarea.selectionStart = textarea.selectionEnd = before.length + inserted.length
        typed()
      }
    } catch (e) {
      setState('error')
      setMessage(failure(e))
    } finally {
      setUploading(false)
      textarea.focus()
    }
  }

  const author = (id: string | null) =>
    (id && (panel.state.names[id] ?? panel.state.operators.find((o) => o.id === id)?.name)) ||
    th('Someone')

  return (
    <div class="help-editor">
      <div class="help-editor-top">
        <button
          type="button"
          class="secondary"
          onClick={() => {
            // Typed since the last save: it goes before the editor closes.
            if (article()?.status === 'draft' && edits !== savedEdits) {
              void save(() => ({ title: title().trim() || undefined, body: body() }), true)
            }
            props.onClose(article()?.id ?? null)
          }}
        >
          {th('Back to articles')}
        </button>
        <h4 ref={heading} tabIndex={-1}>
          {article() ? th('Edit article') : th('New article')}
        </h4>
        <span class="help-save-state" role="status" aria-live="polite">
          {uploading()
            ? th('Uploading image…')
            : state() === 'saving'
              ? th('Saving…')
              : state() === 'saved'
                ? th('Saved')
                : state() === 'error'
                  ? message()
                  : ''}
        </span>
      </div>
      <Show when={state() === 'conflict'}>
        <p class="error help-conflict" role="alert">
          {th('Changed elsewhere — reload')}{' '}
          <button type="button" class="secondary" onClick={() => void reload()}>
            {th('Reload')}
          </button>
        </p>
      </Show>
      <div class="help-meta">
        <label class="help-field help-title">
          <span>{th('Title')}</span>
          <input
            id={ids.title}
            ref={titleInput}
            value={title()}
            maxLength={200}
            required
            onInput={(e) => {
              setTitle(e.currentTarget.value)
              typed()
            }}
          />
        </label>
        <div class="help-field">
          <label for={ids.slug}>{th('Slug')}</label>
          <input
            id={ids.slug}
            value={slug()}
            maxLength={100}
            aria-invalid={slugError() ? true : undefined}
            aria-describedby={slugError() ? `${ids.slug}-error` : undefined}
            onInput={(e) => {
              setSlug(e.currentTarget.value)
              setSlugError('')
            }}
          />
          <Show when={slugError()}>
            <span class="field-error" id={`${ids.slug}-error`}>
              {slugError()}
            </span>
          </Show>
        </div>
        <label class="help-field">
          <span>{th('Category')}</span>
          <select
            value={categoryId() ?? ''}
            onChange={(e) => setCategoryId(e.currentTarget.value || null)}
          >
            <option value="">{th('No category')}</option>
            <For each={props.categories}>
              {(c) => <option value={c.id}>{categoryName(c)}</option>}
            </For>
          </select>
        </label>
        <label class="help-field">
          <span>{th('Language')}</span>
          <select
            value={language()}
            disabled={article() !== null}
            onChange={(e) => setLanguage(e.currentTarget.value as HelpLanguage)}
          >
            <For each={LANGUAGES}>{(l) => <option value={l}>{th(LANGUAGE_NAMES[l])}</option>}</For>
          </select>
        </label>
      </div>
      <Show when={article()?.url}>
        {(url) => (
          <p class="help-url">
            {th('Public address:')}{' '}
            <a href={url()} target="_blank" rel="noopener" data-testid="help-url">
              {location.origin + url()}
            </a>
          </p>
        )}
      </Show>
      <Show when={article()}>
        {(a) => (
          <div class="help-statuses" role="group" aria-label={th('Status')}>
            <For each={STATUSES}>
              {(s) => (
                <button
                  type="button"
                  class="secondary"
                  aria-pressed={a().status === s}
                  onClick={() => a().status !== s && void saveNow(s)}
                >
                  {th(STATUS_NAMES[s])}
                </button>
              )}
            </For>
          </div>
        )}
      </Show>
      <div class="help-body-head">
        <label for={ids.body}>{th('Article (Markdown)')}</label>
        <button
          type="button"
          class="secondary"
          disabled={uploading()}
          onClick={() => fileInput.click()}
        >
          {th('Insert image')}
        </button>
        <input
          ref={fileInput}
          type="file"
          accept={IMAGE_TYPES.join(',')}
          multiple
          hidden
          onChange={(e) => {
            const files = [...(e.currentTarget.files ?? [])]
            e.currentTarget.value = ''
            void insertImages(files)
          }}
        />
        <button
          type="button"
          class="secondary"
          aria-pressed={previewing()}
          onClick={() => setPreviewing(!previewing())}
        >
          {th('Preview')}
        </button>
      </div>
      <div class="help-body" classList={{ previewing: previewing() }}>
        <textarea
          ref={textarea}
          id={ids.body}
          rows={14}
          value={body()}
          onInput={(e) => {
            setBody(e.currentTarget.value)
            typed()
          }}
          onPaste={(e) => {
            const files = [...(e.clipboardData?.files ?? [])]
            if (!files.some((f) => IMAGE_TYPES.includes(f.type))) return
            e.preventDefault()
            void insertImages(files)
          }}
          onDragOver={(e) => {
            if (e.dataTransfer?.types.includes('Files')) e.preventDefault()
          }}
          onDrop={(e) => {
            const files = [...(e.dataTransfer?.files ?? [])]
            if (!files.some((f) => IMAGE_TYPES.includes(f.type))) return
            e.preventDefault()
            void insertImages(files)
          }}
        />
        <Show when={previewing()}>
          <div
            class="help-preview md"
            role="region"
            aria-label={th('Preview')}
            tabIndex={0}
            innerHTML={preview()}
          />
        </Show>
      </div>
      <div class="form-foot">
        <button
          type="button"
          disabled={state() === 'saving' || !title().trim()}
          onClick={() => void saveNow()}
        >
          {th('Save')}
        </button>
      </div>
      <Show when={article()}>
        {(a) => (
          <>
            <h5>{th('Translations')}</h5>
            <ul class="help-translations">
              <For each={LANGUAGES.filter((l) => l !== a().language)}>
                {(l) => {
                  const existing = () => a().translations.find((x) => x.language === l)
                  return (
                    <li>
                      <Show
                        when={existing()}
                        fallback={
                          <button type="button" class="secondary" onClick={() => void translate(l)}>
                            {th(l === 'ru' ? 'Translate to Russian' : 'Translate to English')}
                          </button>
                        }
                      >
                        {(x) => (
                          <button
                            type="button"
                            class="link-button help-link"
                            style={{ color: 'var(--text)', 'text-decoration': 'underline' }}
                            onClick={() => props.onOpen(x().id)}
                          >
                            {th(LANGUAGE_NAMES[l])}: <SafeText text={x().title} /> (
                            {th(STATUS_NAMES[x().status])})
                          </button>
                        )}
                      </Show>
                    </li>
                  )
                }}
              </For>
            </ul>
            <h5>{th('Revisions')}</h5>
            <button
              type="button"
              class="secondary"
              aria-expanded={revisions() !== null}
              onClick={() => (revisions() ? setRevisions(null) : void loadRevisions())}
            >
              {revisions() ? th('Hide revisions') : th('Show revisions')}
            </button>
            <Show when={revisions()}>
              {(list) => (
                <ul class="help-list" aria-label={th('Revisions')}>
                  <For each={list()}>
                    {(r) => (
                      <li class="help-row">
                        <span class="help-row-main">
                          <span>{th('Revision {n}', { n: r.revision })}</span>
                          <span class="muted">
                            <SafeText text={author(r.authorId)} /> · {when(r.createdAt)}
                          </span>
                        </span>
                        <span class="help-actions">
                          <button
                            type="button"
                            class="secondary"
                            aria-expanded={viewing() === r}
                            aria-label={th('View revision {n}', { n: r.revision })}
                            onClick={() => setViewing(viewing() === r ? null : r)}
                          >
                            {th('View')}
                          </button>
                          <Show when={r.revision !== a().revision}>
                            <button
                              type="button"
                              class="secondary"
                              aria-label={th('Restore revision {n}', { n: r.revision })}
                              onClick={() => setRestoring(r)}
                            >
                              {th('Restore')}
                            </button>
                          </Show>
                        </span>
                        <Show when={viewing() === r}>
                          <div class="help-revision">
                            <strong>
                              <SafeText text={r.title} />
                            </strong>
                            <pre>
                              <SafeText text={r.body} />
                            </pre>
                          </div>
                        </Show>
                      </li>
                    )}
                  </For>
                </ul>
              )}
            </Show>
          </>
        )}
      </Show>
      <Show when={restoring()}>
        {(r) => (
          <Confirm
            title={th('Restore revision {n}?', { n: r().revision })}
            confirm={th('Restore')}
            run={async () => {
              const a = article()
              if (!a) return null
              clearTimeout(timer)
              await queue
              try {
                const restored = await api.restore(a.id, r().revision, fromRevision)
                load(restored)
                setState('saved')
                setViewing(null)
                await loadRevisions()
                return null
              } catch (e) {
                if (isConflict(e)) setState('conflict')
                return failure(e)
              }
            }}
            onClose={() => setRestoring(null)}
          >
            <p>
              {th(
                'The title, text, slug and category become that revision’s again, as a new revision. The status stays.',
              )}
            </p>
          </Confirm>
        )}
      </Show>
    </div>
  )
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
