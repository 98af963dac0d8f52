/**
 * Parts of the widget loaded on first use as chunks of their own (with their stylesheet): the
 * chat window itself (a page whose visitor never opens the chat pays for the launcher only; the
 * chunk is fetched as soon as the visitor points at or focuses the launcher, so it is usually
 * there by the click), and what most visitors never see: the rating card after a resolved
 * conversation, the pre-chat form, the home view with the visitor's conversations and the
 * request form while nobody can answer, and a proactive message (M6) with its chunk. The help
 * center (issue 21) is on demand: only an inbox whose help center has a published article (the
 * availability answer's `help`) ever renders it, so no other page fetches it.
 * Solid's `lazy` would bring resources and Suspense into the first chunk; this is all it takes
 * here: nothing until the chunk is there, then the component. A chunk that failed to load
 * (offline) is asked for again the next time it is shown.
 */
import { createMemo, createSignal, untrack, type JSX } from 'solid-js'

function later<P>(load: () => Promise<{ default: (props: P) => JSX.Element }>) {
  let loaded: ((props: P) => JSX.Element) | undefined
  let loading: Promise<unknown> | undefined
  const fetch = () => (loading ??= load().then((m) => (loaded = m.default)))
  const view = (props: P): JSX.Element => {
    const [ready, setReady] = createSignal(loaded !== undefined)
    if (!loaded) {
      fetch().then(
        () => setReady(true),
        () => (loading = undefined),
      )
    }
    const view = createMemo(
      () => ready() && untrack(() => (loaded as (p: P) => JSX.Element)(props)),
    )
    return view as unknown as JSX.Element
  }
  /** Fetches the chunk ahead of showing it (a failure is retried when it is shown). */
  view.preload = () => void fetch().catch(() => (loading = undefined))
  return view
}

export const ChatView = later(() => import('./ChatWindow.tsx'))

export const RatingCard = later(() => import('./Rating.tsx'))
export const DetailsForm = later(() => import('./Details.tsx'))
export const HomeView = later(() => import('./Home.tsx'))
export const LeaveForm = later(() => import('./LeaveForm.tsx'))

// A proactive message (M6): above the launcher, then atop the empty thread (already loaded).
/** The proactive messages' chunk (what widget.ts runs them with, too). */
export const campaign = () => import('../campaign/Campaign.tsx')
export const CampaignBubble = later(campaign)
export const CampaignIntro = later(async () => ({ default: (await campaign()).Intro }))

// The help center (issue 21): its search at home (no `text`; the frame hands it to the home
// view, whose chunk must not import this module), its suggestions for a new thread's `text`.
export const Help = later(() => import('../help/Help.tsx'))
