/**
 * The emoji picker (a lazy chunk): search in English and the UI language, category buttons,
 * recent emoji, a skin tone applied to the emoji that take one. Keyboard: focus starts in the
 * search box; Down (or Tab) moves into the grid, arrows move in it (8 columns), Enter or Space
 * picks, Escape closes and the composer gets focus back. Picking closes the picker.
 */
import { createMemo, createSignal, For, onMount, Show } from 'solid-js'
import { EMOJI_GROUPS } from '../emoji/data-types.ts'
import {
  emojiPrefs,
  inTone,
  loadCatalog,
  type Catalog,
  type Emoji,
  type EmojiLang,
  type EmojiStore,
} from '../emoji/catalog.ts'
import { emojiStrings } from '../emoji/strings.ts'
import { gridMove } from '../emoji/grid.ts'
import './emoji.css'

export interface EmojiPickerProps {
  lang: EmojiLang
  store: EmojiStore
  /** The emoji chosen (in the chosen skin tone). */
  onPick(char: string): void
  /** The button that opened it: focus moving there is not "elsewhere". */
  opener: HTMLElement
  /** Escape (`refocus`: the composer takes focus back) or focus moved elsewhere. */
  onClose(refocus: boolean): void
}

interface Section {
  key: string
  title: string
  emoji: Emoji[]
}

const COLUMNS = 8
/** A representative of each group, for its button. */
const GROUP_ICONS: Record<number, string> = {
  0: '😀',
  1: '👋',
  3: '🐻',
  4: '🍔',
  5: '🚗',
  6: '⚽',
  7: '💡',
  8: '❤️',
  9: '🏁',
}

export function EmojiPicker(props: EmojiPickerProps) {
  const t = emojiStrings(props.lang)
  const prefs = emojiPrefs(props.store)
  // A plain signal, not createResource: that would pull Solid's resources into first load.
  const [catalog, setCatalog] = createSignal<Catalog>()
  const [failed, setFailed] = createSignal(false)
  loadCatalog(props.lang).then(setCatalog, () => setFailed(true))
  const [query, setQuery] = createSignal('')
  const [tone, setTone] = createSignal(prefs.tone())
  const [tonesOpen, setTonesOpen] = createSignal(false)
  const [recent, setRecent] = createSignal(prefs.recent())
  const [focused, setFocused] = createSignal<[number, number]>([0, 0])
  let root: HTMLDivElement | undefined
  let search: HTMLInputElement | undefined
  const id = `ep-${Math.random().toString(36).slice(2, 8)}`

  const sections = createMemo((): Section[] => {
    const c = catalog()
    if (!c) return []
    if (query().trim()) return [{ key: 'results', title: t.results, emoji: c.search(query()) }]
    const recentEmoji = recent()
      .map((ch) => c.byChar(ch))
      .filter((e): e is Emoji => e !== undefined)
    return [
      ...(recentEmoji.length ? [{ key: 'recent', title: t.recent, emoji: recentEmoji }] : []),
      ...EMOJI_GROUPS.map((g) => ({
        key: `g${g}`,
        title: t.groups[g] ?? '',
        emoji: c.all.filter((e) => e.group === g),
      })),
    ]
  })
  const sizes = () => sections().map((s) => s.emoji.length)

  const focusCell = (s: number, i: number) => {
    setFocused([s, i])
    root?.querySelector<HTMLButtonElement>(`[data-cell="${s}-${i}"]`)?.focus()
  }
  const pick = (e: Emoji) => {
    prefs.used(e.char)
    setRecent(prefs.recent())
    props.onPick(inTone(e, tone()))
  }
  const chooseTone = (value: number) => {
    setTone(value)
    prefs.setTone(value)
    setTonesOpen(false)
    root?.querySelector<HTMLButtonElement>('.ep-tone')?.focus()
  }

  onMount(() => search?.focus())

  return (
    <div
      ref={root}
      class="emoji-picker"
      role="dialog"
      aria-label={t.dialog}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault()
          e.stopPropagation()
          if (tonesOpen()) setTonesOpen(false)
          else props.onClose(true)
        }
      }}
      onFocusOut={(e) => {
        const next = e.relatedTarget as Node | null
        if (next && !root?.contains(next) && next !== props.opener) props.onClose(false)
      }}
    >
      <div class="ep-top">
        <input
          ref={search}
          type="search"
          class="ep-search"
          placeholder={t.search}
          aria-label={t.search}
          aria-controls={`${id}-grid`}
          value={query()}
          onInput={(e) => {
            setQuery(e.currentTarget.value)
            setFocused([0, 0])
          }}
          onKeyDown={(e) => {
            // Enter never submits the composer's form: with a query it picks the best match.
            if (e.key !== 'ArrowDown' && e.key !== 'Enter') return
            e.preventDefault()
            const first = sections().find((s) => s.emoji.length > 0)
            if (!first) return
            if (e.key === 'ArrowDown') focusCell(sections().indexOf(first), 0)
            else if (query().trim()) pick(first.emoji[0] as Emoji)
          }}
        />
        <button
          type="button"
          class="ep-tone"
          aria-label={`${t.tone}: ${t.tones[tone()]}`}
          aria-expanded={tonesOpen()}
          onClick={() => setTonesOpen(!tonesOpen())}
        >
          {tone() ? String.fromCodePoint(0x270b, 0x1f3fa + tone()) : '✋'}
        </button>
      </div>
      <Show when={tonesOpen()}>
        <div class="ep-tones" role="radiogroup" aria-label={t.tone}>
          <For each={t.tones}>
            {(name, i) => (
              <button
                type="button"
                role="radio"
                aria-checked={tone() === i()}
                aria-label={name}
                title={name}
                onClick={() => chooseTone(i())}
                onKeyDown={(e) => {
                  const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[e.key]
                  if (!step) return
                  e.preventDefault()
                  const buttons = [...(e.currentTarget.parentElement?.children ?? [])]
                  ;(buttons[(i() + step + 6) % 6] as HTMLElement | undefined)?.focus()
                }}
              >
                {i() ? String.fromCodePoint(0x270b, 0x1f3fa + i()) : '✋'}
              </button>
            )}
          </For>
        </div>
      </Show>
      <Show when={!query().trim() && catalog()}>
        <nav class="ep-groups" aria-label={t.categories}>
          <For each={sections()}>
            {(section, s) => (
              <button
                type="button"
                aria-label={section.title}
                title={section.title}
                onClick={() => {
                  root?.querySelector(`#${id}-${section.key}`)?.scrollIntoView({ block: 'start' })
                  focusCell(s(), 0)
                }}
              >
                {section.key === 'recent' ? '🕘' : GROUP_ICONS[Number(section.key.slice(1))]}
              </button>
            )}
          </For>
        </nav>
      </Show>
      <div id={`${id}-grid`} class="ep-scroll">
        <Show when={!failed()} fallback={<p class="ep-note">{t.failed}</p>}>
          <Show when={catalog()} fallback={<p class="ep-note">{t.loading}</p>}>
            {(_) => (
              <Sections
                sections={sections()}
                id={id}
                tone={tone()}
                none={t.none}
                focused={focused()}
                onPick={pick}
                onMove={(key) => {
                  const [s, i] = focused()
                  const next = gridMove(sizes(), [s, i], key, COLUMNS)
                  if (next) focusCell(next[0], next[1])
                  return next !== null
                }}
              />
            )}
          </Show>
        </Show>
      </div>
    </div>
  )
}

function Sections(props: {
  sections: Section[]
  id: string
  tone: number
  none: string
  focused: [number, number]
  onPick(e: Emoji): void
  onMove(key: string): boolean
}) {
  return (
    <>
      <Show when={props.sections.every((s) => s.emoji.length === 0)}>
        <p class="ep-note" role="status">
          {props.none}
        </p>
      </Show>
      <For each={props.sections}>
        {(section, s) => (
          <Show when={section.emoji.length > 0}>
            <section class="ep-section" aria-labelledby={`${props.id}-${section.key}`}>
              <h3 id={`${props.id}-${section.key}`} class="ep-title">
                {section.title}
              </h3>
              <div class="ep-grid" role="group" aria-labelledby={`${props.id}-${section.key}`}>
                <For each={section.emoji}>
                  {(e, i) => (
                    <button
                      type="button"
                      class="ep-emoji"
                      data-cell={`${s()}-${i()}`}
                      tabIndex={props.focused[0] === s() && props.focused[1] === i() ? 0 : -1}
                      aria-label={e.name}
                      title={e.codes[0] ? `${e.name} :${e.codes[0]}:` : e.name}
                      onClick={() => props.onPick(e)}
                      onKeyDown={(ev) => {
                        if (props.onMove(ev.key)) ev.preventDefault()
                      }}
                    >
                      {inTone(e, props.tone)}
                    </button>
                  )}
                </For>
              </div>
            </section>
          </Show>
        )}
      </For>
    </>
  )
}
