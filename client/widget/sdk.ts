/**
 * The frame's side of the page's SDK (`window.Parley`, declared in parley.d.ts): the loader
 * passes each call on as plain data, in the page's order, and this checks and applies it.
 * A bad argument is told on the console (the page's developer sees it) and changes nothing;
 * nothing is ever thrown back into the page. `on`/`off` and `reset` are the loader's own.
 * `hide` hides the launcher (the loader then hides the iframe while the chat is closed). The
 * page hears `open`/`close`, `unread` (the count, on each change) and `message` (a new operator
 * message, with its author's visitor-facing name) through the loader.
 *
 * Language (`state.lang`, decided in the store): `setLocale` or the embed's data-lang win;
 * otherwise the inbox's default (appearance.language) once the availability answer tells it;
 * otherwise the page's. Each change asks for the availability again, in the new language.
 */
import { createEffect, createMemo, createRoot, on } from 'solid-js'
import type { Message } from '../shared/index.ts'
import { MAX_TEXT_LENGTH } from '../../protocol/limits.ts'
import type { Profile, ProfilePatch } from './api.ts'
import type { Identity } from './config.ts'
import { unreadCount } from './derive.ts'
import type { HostBridge } from './host.ts'
import { strings } from './i18n.ts'
import type { WidgetMutations, WidgetState } from './store.ts'

/** What the page hears with `on('message', fn)`. */
export interface SdkMessage {
  conversationId: string
  messageId: string
  text: string
  /** The operator's visitor-facing name ("Support" while it cannot be read). */
  authorName: string
  /** When it was stored (epoch ms). */
  at: number
}

export interface SdkEnv {
  state: WidgetState
  m: WidgetMutations
  host: HostBridge
  open(): void
  close(): void
  toggle(): void
  /** The page names its user (as with data-user-id / data-user-hash). */
  identify(identity: Identity | null): void
  saveProfile(patch: ProfilePatch): Promise<Profile>
  /** An operator's name; undefined (and asked for) while unknown. */
  name(operatorId: string): string | undefined
  /** Asks the availability again (its texts are in the widget's language). */
  recheck(): void
}

/** How long a `message` event waits for its author's name before saying "Support". */
const NAME_WAIT_MS = 3000
const KEY = /^[a-z][a-z0-9_]{0,31}$/
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const PHONE = /^\+?[\d\s().-]{5,30}$/
const HASH = /^[0-9a-f]{64}$/i

export function connectSdk(env: SdkEnv) {
  const { state, m, host } = env
  const warn = (text: string) => console.warn(`Parley: ${text}`)
  /** Profile changes go out one after another, in the page's order. */
  let saving: Promise<unknown> = Promise.resolve()
  /** `message` events in the order the messages came, each after its author's name. */
  let telling: Promise<unknown> = Promise.resolve()

  const save = (method: string, patch: ProfilePatch) => {
    saving = saving
      .then(() => env.saveProfile(patch))
      .then(
        (profile) => m.setDetails({ profile }),
        (error: unknown) =>
          warn(
            `${method}: the server refused it (${error instanceof Error ? error.message : error})`,
          ),
      )
  }

  /** Only an open chat shows (the header's close button closes it); the page opens it. */
  const hide = (hidden: boolean) => {
    m.setHost({ hidden })
    host.place({ hidden })
  }

  const calls: Record<string, (args: unknown[]) => void> = {
    open([options]) {
      // `open({ text })`: the composer shows with the words in it (the visitor sends them).
      const text = isRecord(options) && typeof options.text === 'string' && options.text.trim()
      if (text) m.setPrefill(text.slice(0, MAX_TEXT_LENGTH))
      env.open()
    },
    close: () => env.close(),
    toggle: () => env.toggle(),
    show: () => hide(false),
    hide: () => hide(true),
    setLocale([lang]) {
      if (lang !== 'en' && lang !== 'ru') return warn(`setLocale(lang): lang is 'en' or 'ru'`)
      m.setLocale(lang)
    },
    setAttributes([attributes]) {
      const checked = attributesOf(attributes)
      if (typeof checked === 'string') return warn(`setAttributes(attributes): ${checked}`)
      if (Object.keys(checked).length > 0) save('setAttributes', { attributes: checked })
    },
    setUser([user]) {
      const checked = userOf(user)
      if (typeof checked === 'string') return warn(`setUser(user): ${checked}`)
      if (checked.identity) {
        // Before the first session: a known user may have conversations, looked up (once
        // connected) before the pre-chat form is offered. A session's switch sees to its own.
        if (!state.visitorId) m.setLookedUp(false)
        env.identify(checked.identity)
      }
      if (Object.keys(checked.patch).length > 0) save('setUser', checked.patch)
    },
  }

  createRoot(() => {
    createEffect(
      on(
        () => state.open,
        (open) => host.emit(open ? 'open' : 'close', null),
        { defer: true },
      ),
    )
    createEffect(
      on(
        () => unreadCount(state),
        (count, previous) => count !== (previous ?? 0) && host.emit('unread', count),
      ),
    )
    // Greeting, offline line, title and label come in the widget's language: asked again
    // when it changes (a memo: not each time an answer is stored), once the answer being
    // handled now has settled (one request at a time).
    const lang = createMemo(() => state.lang)
    createEffect(on(lang, () => setTimeout(env.recheck, 0), { defer: true }))
  })

  // After the listeners above: the calls made before the widget started apply now, in order.
  host.onCall((method, args) => {
    const apply = Object.hasOwn(calls, method) ? calls[method] : undefined
    if (apply) apply(args)
    else warn(`unknown method ${method}`)
  })

  /** Waits (a bounded while) for an operator's name to be known. */
  const nameOf = (operatorId: string): Promise<string> =>
    new Promise((resolve) => {
      const fallback = () => strings(state.lang).support
      if (env.name(operatorId) !== undefined) return resolve(env.name(operatorId) ?? fallback())
      createRoot((dispose) => {
        const done = (name: string) => {
          clearTimeout(timer)
          dispose()
          resolve(name)
        }
        const timer = setTimeout(() => done(fallback()), NAME_WAIT_MS)
        createEffect(() => {
          const name = state.names[operatorId]
          if (name !== undefined) done(name)
        })
      })
    })

  return {
    /** A new message in the visitor's conversation (not one loaded from history). */
    message(message: Message) {
      if (message.author.kind !== 'operator') return
      const author = nameOf(message.author.id)
      telling = telling
        .then(() => author)
        .then((authorName) => {
          const data: SdkMessage = {
            conversationId: message.conversationId,
            messageId: message.id,
            text: message.text,
            authorName,
            at: message.createdAt,
          }
          host.emit('message', data)
        })
    },
    /** The launcher's side and the closed iframe's width. */
    place: (left: boolean, width: number) => host.place({ left, width }),
  }
}

export type Sdk = ReturnType<typeof connectSdk>

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Checked attributes (null removes one), or what is wrong with them. */
function attributesOf(value: unknown): Record<string, string | number | boolean | null> | string {
  if (!isRecord(value)) return 'expected an object of attributes'
  const out: Record<string, string | number | boolean | null> = {}
  for (const [key, v] of Object.entries(value)) {
    if (!KEY.test(key) || key === 'name' || key === 'email' || key === 'phone') {
      return `"${key}" is not an attribute key (a-z, 0-9, _, starting with a letter, at most 32)`
    }
    const ok =
      v === null ||
      typeof v === 'boolean' ||
      (typeof v === 'number' && Number.isFinite(v)) ||
      (typeof v === 'string' && v.length <= 500)
    if (!ok) return `"${key}" must be a string (at most 500), a finite number, a boolean or null`
    out[key] = v as string | number | boolean | null
  }
  return Object.keys(out).length > 50 ? 'at most 50 attributes' : out
}

/** The identity and the profile change a `setUser` asks for, or what is wrong with it. */
function userOf(value: unknown): { identity: Identity | null; patch: ProfilePatch } | string {
  if (!isRecord(value)) return 'expected an object {id, hash, name, email, phone, ...}'
  const { id, hash, name, email, phone, ...custom } = value
  if (id !== undefined || hash !== undefined) {
    if (typeof id !== 'string' || id === '' || id.length > 256) {
      return 'id must be a string of 1-256 characters'
    }
    if (typeof hash !== 'string' || !HASH.test(hash)) {
      return 'hash must be the hex HMAC-SHA256 of the id (computed by your server)'
    }
  }
  const patch: ProfilePatch = {}
  if (name !== undefined) {
    if (name !== null && (typeof name !== 'string' || !name.trim() || name.length > 100)) {
      return 'name must be a string of 1-100 characters'
    }
    patch.name = name
  }
  if (email !== undefined) {
    if (email !== null && (typeof email !== 'string' || !EMAIL.test(email))) {
      return 'email must be an e-mail address'
    }
    patch.email = email
  }
  if (phone !== undefined) {
    if (phone !== null && (typeof phone !== 'string' || !PHONE.test(phone))) {
      return 'phone must be a phone number (digits, spaces, ()-., an optional leading +)'
    }
    patch.phone = phone
  }
  const attributes = attributesOf(custom)
  if (typeof attributes === 'string') return attributes
  if (Object.keys(attributes).length > 0) patch.attributes = attributes
  const identity =
    typeof id === 'string' && typeof hash === 'string' ? { userId: id, userHash: hash } : null
  return { identity, patch }
}
