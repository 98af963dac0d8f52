/**
 * Files in the UI, shared by widget and panel: the composer's strip of files about to be sent
 * (preview, progress, inline error, remove), a message's files in the thread (image thumbnails
 * that open a lightbox, cards for other files), and the drop zone for dragged files.
 *
 * Thumbnails reserve their size from the file's metadata, so the thread never jumps when they
 * load. A file that does not load (an expired link) asks for a fresh link once; failing again,
 * or gone from the server, it shows "File unavailable" instead of a broken image.
 */
import { createMemo, createSignal, For, onCleanup, onMount, Show } from 'solid-js'
import { Portal } from 'solid-js/web'
import {
  formatSize,
  hasFiles,
  isImageType,
  type Attachment,
  type Links,
  type Upload,
} from '../attachments.ts'
import { uploadError, type AttachStrings } from '../attach-i18n.ts'
import { Icon } from './Icon.tsx'
import './attachments.css'

/** The composer's attach button and its hidden file picker (several files at once). */
export function AttachButton(props: {
  label: string
  disabled?: boolean
  onFiles: (files: FileList | File[]) => void
}) {
  let picker: HTMLInputElement | undefined
  return (
    <>
      <button
        type="button"
        class="icon-button attach"
        aria-label={props.label}
        title={props.label}
        disabled={props.disabled}
        onClick={() => picker?.click()}
      >
        <Icon name="clip" />
      </button>
      <input
        ref={picker}
        type="file"
        multiple
        hidden
        tabIndex={-1}
        onChange={(e) => {
          props.onFiles(e.currentTarget.files ?? [])
          // The same file may be picked again after it was removed.
          e.currentTarget.value = ''
        }}
      />
    </>
  )
}

/** The composer's files: one chip each, with its state. `onRemove` absent: read-only. */
export function FileChips(props: {
  uploads: readonly Upload[]
  t: AttachStrings
  onRemove?: (key: string) => void
}) {
  return (
    <ul class="chips" aria-label={props.t.files}>
      <For each={props.uploads}>
        {(u) => (
          <li class="chip" data-status={u.status()} data-error={u.error() ?? undefined}>
            <Show when={u.preview} fallback={<Icon name="file" size={22} />}>
              {(src) => <img class="chip-thumb" src={src()} alt="" />}
            </Show>
            <span class="chip-body">
              <span class="chip-name" title={u.file.name}>
                {u.file.name}
              </span>
              <Show
                when={u.error()}
                fallback={
                  <span class="chip-note">
                    <Show
                      when={u.status() === 'waiting'}
                      fallback={formatSize(u.file.size, props.t.lang)}
                    >
                      {props.t.waiting}
                    </Show>
                  </span>
                }
              >
                {(code) => (
                  <span class="chip-error" role="alert">
                    {uploadError(props.t, code())}
                  </span>
                )}
              </Show>
              <Show when={u.status() === 'uploading'}>
                <progress
                  class="chip-progress"
                  max={100}
                  value={Math.round(u.progress() * 100)}
                  aria-label={props.t.uploading(u.file.name)}
                />
              </Show>
            </span>
            <Show when={props.onRemove}>
              {(remove) => (
                <button
                  type="button"
                  class="chip-remove"
                  aria-label={props.t.remove(u.file.name)}
                  title={props.t.remove(u.file.name)}
                  onClick={() => remove()(u.key)}
                >
                  <Icon name="close" size={14} />
                </button>
              )}
            </Show>
          </li>
        )}
      </For>
    </ul>
  )
}

/** Drag and drop of files onto an element: spread `handlers` on it, show `dragging()`. */
export function createDropZone(add: (files: File[]) => void, enabled: () => boolean = () => true) {
  const [dragging, setDragging] = createSignal(false)
  let depth = 0
  const accept = (e: DragEvent) => {
    if (!hasFiles(e) || !enabled()) return false
    e.preventDefault()
    return true
  }
  return {
    dragging,
    handlers: {
      onDragEnter(e: DragEvent) {
        if (accept(e)) {
          depth++
          setDragging(true)
        }
      },
      onDragOver(e: DragEvent) {
        if (accept(e) && e.dataTransfer) e.dataTransfer.dropEffect = 'copy'
      },
      onDragLeave() {
        depth = Math.max(0, depth - 1)
        if (depth === 0) setDragging(false)
      },
      onDrop(e: DragEvent) {
        depth = 0
        setDragging(false)
        if (!accept(e)) return
        const files = [...(e.dataTransfer?.files ?? [])]
        if (files.length > 0) add(files)
      },
    },
  }
}

/** Files pasted into a text field (a screenshot from the clipboard); the rest pastes as usual. */
export function pastedFiles(e: ClipboardEvent): File[] {
  const files = [...(e.clipboardData?.files ?? [])]
  if (files.length > 0) e.preventDefault()
  return files
}

const THUMB_MAX = 200

function thumbBox(a: Attachment) {
  if (!a.width || !a.height) return { width: 160, height: 120 }
  const scale = Math.min(1, THUMB_MAX / a.width, THUMB_MAX / a.height)
  return {
    width: Math.max(40, Math.round(a.width * scale)),
    height: Math.max(40, Math.round(a.height * scale)),
  }
}

interface FilesProps {
  conversationId: string
  attachments: readonly Attachment[]
  links: Links
  t: AttachStrings
  /** Where the lightbox is mounted (inside the themed root). */
  mount?: () => Node | null | undefined
}

/**
 * An image that loads from a signed link: a fresh link once when it fails, then
 * "File unavailable". Renders nothing of its own while the link is being asked.
 */
function LinkedImage(props: {
  conversationId: string
  attachment: Attachment
  links: Links
  t: AttachStrings
  thumb: boolean
  class: string
}) {
  const [failedAt, setFailedAt] = createSignal<number | null>(null)
  const [broken, setBroken] = createSignal(false)
  const link = () => props.links.get(props.conversationId, props.attachment.id)
  const src = () => {
    const l = link()
    if (!l || l === 'missing' || l.expiresAt === failedAt()) return null
    return props.links.full((props.thumb && l.thumbnailUrl) || l.url)
  }
  const onError = () => {
    const l = link()
    if (failedAt() === null && l && l !== 'missing') {
      setFailedAt(l.expiresAt)
      props.links.refresh(props.conversationId, props.attachment.id)
    } else {
      setBroken(true)
    }
  }
  return (
    <Show
      when={!broken() && link() !== 'missing'}
      fallback={
        <span class="file-unavailable" data-state="unavailable">
          <Icon name="alert" size={18} />
          {props.t.unavailable}
        </span>
      }
    >
      <Show when={src()}>
        {(s) => (
          <img
            class={props.class}
            src={s()}
            alt={props.attachment.name}
            width={props.attachment.width ?? undefined}
            height={props.attachment.height ?? undefined}
            decoding="async"
            onError={onError}
          />
        )}
      </Show>
    </Show>
  )
}

/** A message's files: images first as thumbnails, then the other files as cards. */
export function MessageFiles(props: FilesProps) {
  const images = createMemo(() => props.attachments.filter((a) => isImageType(a.contentType)))
  const others = createMemo(() => props.attachments.filter((a) => !isImageType(a.contentType)))
  const [shown, setShown] = createSignal<number | null>(null)
  return (
    <div class="files">
      <Show when={images().length > 0}>
        <div class="thumbs">
          <For each={images()}>
            {(a, i) => {
              const box = thumbBox(a)
              return (
                <button
                  type="button"
                  class="thumb"
                  style={{ width: `${box.width}px`, height: `${box.height}px` }}
                  aria-label={props.t.open(a.name)}
                  data-attachment-id={a.id}
                  onClick={() => setShown(i())}
                >
                  <LinkedImage
                    conversationId={props.conversationId}
                    attachment={a}
                    links={props.links}
                    t={props.t}
                    thumb
                    class="thumb-img"
                  />
                </button>
              )
            }}
          </For>
        </div>
      </Show>
      <For each={others()}>
        {(a) => (
          <FileCard
            conversationId={props.conversationId}
            attachment={a}
            links={props.links}
            t={props.t}
          />
        )}
      </For>
      <Show when={shown() !== null}>
        <Lightbox
          {...props}
          images={images()}
          index={shown() ?? 0}
          onIndex={setShown}
          onClose={() => setShown(null)}
        />
      </Show>
    </div>
  )
}

function FileCard(props: {
  conversationId: string
  attachment: Attachment
  links: Links
  t: AttachStrings
}) {
  const link = () => props.links.get(props.conversationId, props.attachment.id)
  const size = () => formatSize(props.attachment.size, props.t.lang)
  const href = () => {
    const l = link()
    return l && l !== 'missing' ? props.links.full(l.url) : undefined
  }
  return (
    <Show
      when={link() !== 'missing'}
      fallback={
        <span class="file-card unavailable" data-state="unavailable">
          <Icon name="alert" size={22} />
          <span class="file-info">
            <span class="file-name">{props.attachment.name}</span>
            <span class="file-size">{props.t.unavailable}</span>
          </span>
        </span>
      }
    >
      <a
        class="file-card"
        href={href()}
        target="_blank"
        rel="noopener noreferrer"
        data-attachment-id={props.attachment.id}
        onClick={(e) => {
          // An old link (a tab left open for hours): ask for a fresh one, then follow it.
          const l = link()
          if (l && l !== 'missing' && l.expiresAt - 5000 < Date.now()) {
            e.preventDefault()
            props.links.refresh(props.conversationId, props.attachment.id)
          }
        }}
      >
        <Icon name="file" size={22} />
        <span class="file-info">
          <span class="sr-only">{props.t.download} </span>
          <span class="file-name" dir="auto">
            {props.attachment.name}
          </span>
          <span class="file-size">{size()}</span>
        </span>
      </a>
    </Show>
  )
}

/**
 * The full-size image over everything: a modal dialog (focus kept inside), Escape or the
 * close button closes it and focus returns to the thumbnail, arrows go between the message's
 * images.
 */
function Lightbox(
  props: FilesProps & {
    images: Attachment[]
    index: number
    onIndex: (i: number) => void
    onClose: () => void
  },
) {
  let dialog: HTMLDivElement | undefined
  let closeButton: HTMLButtonElement | undefined
  const opener = document.activeElement as HTMLElement | null
  const current = () => props.images[props.index] as Attachment
  const count = () => props.images.length
  const go = (step: number) => props.onIndex((props.index + step + count()) % count())
  onMount(() => closeButton?.focus())
  onCleanup(() => opener?.focus())
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault()
      e.stopPropagation()
      props.onClose()
    } else if ((e.key === 'ArrowRight' || e.key === 'ArrowLeft') && count() > 1) {
      e.preventDefault()
      go(e.key === 'ArrowRight' ? 1 : -1)
    } else if (e.key === 'Tab' && dialog) {
      const items = [...dialog.querySelectorAll<HTMLElement>('button')]
      const first = items[0]
      const last = items[items.length - 1]
      const active = dialog.ownerDocument.activeElement
      if (e.shiftKey && (active === first || !dialog.contains(active))) {
        e.preventDefault()
        last?.focus()
      } else if (!e.shiftKey && (active === last || !dialog.contains(active))) {
        e.preventDefault()
        first?.focus()
      }
    }
  }
  return (
    <Portal mount={props.mount?.() ?? document.body}>
      <div
        ref={dialog}
        class="lightbox"
        role="dialog"
        aria-modal="true"
        aria-label={current().name}
        onKeyDown={onKeyDown}
        onClick={(e) => e.target === e.currentTarget && props.onClose()}
      >
        <div class="lightbox-bar">
          <span class="lightbox-name" dir="auto">
            {current().name}
            <Show when={count() > 1}>
              <span class="lightbox-count"> · {props.t.of(props.index + 1, count())}</span>
            </Show>
          </span>
          <button
            ref={closeButton}
            type="button"
            class="lightbox-button"
            aria-label={props.t.close}
            title={props.t.close}
            onClick={() => props.onClose()}
          >
            <Icon name="close" />
          </button>
        </div>
        <div
          class="lightbox-stage"
          onClick={(e) => e.target === e.currentTarget && props.onClose()}
        >
          <Show when={count() > 1}>
            <button
              type="button"
              class="lightbox-button lightbox-prev"
              aria-label={props.t.prev}
              title={props.t.prev}
              onClick={() => go(-1)}
            >
              <Icon name="back" />
            </button>
          </Show>
          <Show when={current()} keyed>
            {(a) => (
              <LinkedImage
                conversationId={props.conversationId}
                attachment={a}
                links={props.links}
                t={props.t}
                thumb={false}
                class="lightbox-img"
              />
            )}
          </Show>
          <Show when={count() > 1}>
            <button
              type="button"
              class="lightbox-button lightbox-next"
              aria-label={props.t.next}
              title={props.t.next}
              onClick={() => go(1)}
            >
              <Icon name="next" />
            </button>
          </Show>
        </div>
      </div>
    </Portal>
  )
}
