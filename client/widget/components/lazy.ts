/**
 * Parts of the widget most visitors never see, loaded on first use as chunks of their own (with
 * their stylesheet): the rating card after a resolved conversation and the pre-chat form. Solid's
 * `lazy` would bring resources and Suspense into the first chunk; this is all it takes here:
 * nothing until the chunk is there, then the component. A chunk that failed to load (offline)
 * is asked for again the next time it is shown.
 */
import { createMemo, createSignal, untrack, type JSX } from 'solid-js'

function later<P>(load: () => Promise<{ default: (props: P) => JSX.Element }>) {
  let loaded: ((props: P) => JSX.Element) | undefined
  let loading: Promise<unknown> | undefined
  return (props: P): JSX.Element => {
    const [ready, setReady] = createSignal(loaded !== undefined)
    if (!loaded) {
      loading ??= load().then((m) => (loaded = m.default))
      loading.then(
        () => setReady(true),
        () => (loading = undefined),
      )
    }
    const view = createMemo(
      () => ready() && untrack(() => (loaded as (p: P) => JSX.Element)(props)),
    )
    return view as unknown as JSX.Element
  }
}

export const RatingCard = later(() => import('./Rating.tsx'))
export const DetailsForm = later(() => import('./Details.tsx'))
