/**
 * An operator's picture, changed at once (no Save): the picture or initials, "Choose a
 * picture…" (a real file input, visually replaced by its label, so Tab, Enter and Space work as
 * on any file input), upload progress, "Remove picture", and the server's refusal, which the
 * input points at (aria-describedby) and which is announced (role=alert). A refused picture
 * changes nothing.
 */
import { createSignal, createUniqueId, Show } from 'solid-js'
import { PICTURE_MAX_BYTES, PICTURE_TYPES, type Progress } from '../api.ts'
import { t } from '../i18n.ts'
import { Avatar } from './Avatar.tsx'

export function PictureField(props: {
  /** The operator's name, for the initials. */
  name: string
  id: string
  avatarId: string | null
  /** What the picture is called ("Your picture", "Picture of Anna"). */
  label: string
  /** Uploads `file`, or removes the picture (null); null when done, otherwise why not. */
  save: (file: File | null, progress: Progress) => Promise<string | null>
}) {
  const [busy, setBusy] = createSignal<'upload' | 'remove' | null>(null)
  const [progress, setProgress] = createSignal(0)
  const [error, setError] = createSignal<string | null>(null)
  const [done, setDone] = createSignal<string | null>(null)
  const inputId = createUniqueId()
  const hintId = createUniqueId()
  const errorId = createUniqueId()
  const headingId = createUniqueId()
  let input!: HTMLInputElement
  let removeButton: HTMLButtonElement | undefined

  const run = async (file: File | null) => {
    const had = document.activeElement
    setBusy(file ? 'upload' : 'remove')
    setProgress(0)
    setError(null)
    setDone(null)
    const failure = await props.save(file, setProgress)
    setBusy(null)
    input.value = ''
    if (failure) setError(failure)
    else setDone(file ? t('Picture saved.') : t('Picture removed: initials are shown.'))
    // Disabled while busy, the control lost focus: give it back (Remove is gone once done).
    if (had === input || had === removeButton || document.activeElement === document.body) {
      input.focus()
    }
  }
  const chosen = (file: File | undefined) => {
    if (!file) return
    if (file.size > PICTURE_MAX_BYTES) {
      input.value = ''
      setDone(null)
      return setError(t('The picture is larger than 5 MB. Choose a smaller one.'))
    }
    void run(file)
  }

  return (
    <section class="picture" aria-labelledby={headingId} aria-busy={busy() ? true : undefined}>
      <Avatar
        name={props.name}
        colorKey={props.id}
        avatarId={props.avatarId}
        size={72}
        label={props.avatarId ? props.label : t('{label}: initials', { label: props.label })}
      />
      <div class="picture-side">
        <h3 id={headingId}>{t('Picture')}</h3>
        <div class="picture-buttons">
          <input
            ref={input}
            id={inputId}
            class="file-input"
            type="file"
            accept={PICTURE_TYPES}
            disabled={busy() !== null}
            aria-invalid={error() ? true : undefined}
            aria-describedby={error() ? `${errorId} ${hintId}` : hintId}
            onChange={(e) => chosen(e.currentTarget.files?.[0])}
          />
          <label for={inputId} class="file-button">
            {props.avatarId ? t('Change picture…') : t('Choose a picture…')}
          </label>
          <Show when={props.avatarId}>
            <button
              ref={removeButton}
              type="button"
              class="secondary"
              disabled={busy() !== null}
              onClick={() => void run(null)}
            >
              {t('Remove picture')}
            </button>
          </Show>
        </div>
        <p id={hintId} class="muted picture-hint">
          {t('PNG, JPEG, WebP or GIF, up to 5 MB; cut to a square.')}
        </p>
        <Show when={busy() === 'upload'}>
          <progress max={1} value={progress()} aria-label={t('Uploading the picture')} />
        </Show>
        <p role="status" class="muted">
          {busy() === 'upload' ? t('Uploading…') : busy() === 'remove' ? t('Removing…') : done()}
        </p>
        <Show when={error()}>
          <p id={errorId} class="error" role="alert">
            {error()}
          </p>
        </Show>
      </div>
    </section>
  )
}
