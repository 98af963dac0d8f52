/**
 * A windowed list (issue 16: 10,000 open conversations scroll smoothly): only the rows in view,
 * plus `overscan` either side, are in the DOM; spacers above and below keep the scrollbar true.
 * Rows may differ in height: the window works from their average, measured on what is shown, so
 * an estimate that was off corrects itself as rows render.
 *
 * Keyboard and screen readers: the rows near the viewport are always rendered (Tab and the
 * arrow keys move into real elements, and the browser scrolls them into view, which moves the
 * window); `scrollToIndex` brings a row chosen by shortcut into view; rows carry their position
 * (`aria-posinset`) so a reader hears "12 of 400" although only a slice exists.
 */
import { createMemo, createSignal, onCleanup, type Accessor } from 'solid-js'

export interface ListWindow {
  /** Pass as `ref` of the scrolling element. */
  attach(el: HTMLElement): void
  /** The rows to render: [start, end). */
  range: Accessor<{ start: number; end: number }>
  /** Heights of the spacers above and below the rendered rows, in px. */
  before: Accessor<number>
  after: Accessor<number>
  /**
   * Takes the average height of the rendered rows at the next frame (call when other rows
   * render). Reading heights forces a layout: once per frame at most, never per data change.
   */
  measure(rows: () => ArrayLike<HTMLElement>): void
  /** Scrolls the least distance that shows row `index` whole. */
  scrollToIndex(index: number): void
}

export function createListWindow(
  count: Accessor<number>,
  options: { overscan?: number; estimate?: number } = {},
): ListWindow {
  const overscan = options.overscan ?? 12
  const [top, setTop] = createSignal(0)
  const [viewport, setViewport] = createSignal(800)
  const [rowHeight, setRowHeight] = createSignal(options.estimate ?? 72)
  let scroller: HTMLElement | undefined
  let frame = 0
  let measuring = 0

  const range = createMemo(
    () => {
      const n = count()
      const h = rowHeight()
      const start = Math.max(0, Math.min(n, Math.floor(top() / h) - overscan))
      const end = Math.max(start, Math.min(n, Math.ceil((top() + viewport()) / h) + overscan))
      return { start, end }
    },
    { start: 0, end: 0 },
    { equals: (a, b) => a.start === b.start && a.end === b.end },
  )

  const read = () => {
    frame = 0
    if (!scroller) return
    setTop(scroller.scrollTop)
    setViewport(scroller.clientHeight)
  }

  return {
    attach(el) {
      scroller = el
      // One read per frame however fast the wheel turns.
      const onScroll = () => {
        frame ||= requestAnimationFrame(read)
      }
      el.addEventListener('scroll', onScroll, { passive: true })
      const resize = new ResizeObserver(read)
      resize.observe(el)
      read()
      onCleanup(() => {
        el.removeEventListener('scroll', onScroll)
        resize.disconnect()
        if (frame) cancelAnimationFrame(frame)
        if (measuring) cancelAnimationFrame(measuring)
      })
    },
    range,
    before: () => range().start * rowHeight(),
    after: () => (count() - range().end) * rowHeight(),
    measure(rows) {
      measuring ||= requestAnimationFrame(() => {
        measuring = 0
        const shown = rows()
        let sum = 0
        for (let i = 0; i < shown.length; i++) sum += (shown[i] as HTMLElement).offsetHeight
        if (shown.length === 0 || sum === 0) return
        const average = sum / shown.length
        // Sub-pixel noise would re-render for nothing.
        if (Math.abs(average - rowHeight()) > 1) setRowHeight(average)
      })
    },
    scrollToIndex(index) {
      if (!scroller) return
      const h = rowHeight()
      const rowTop = index * h
      if (rowTop < scroller.scrollTop) scroller.scrollTop = rowTop
      else if (rowTop + h > scroller.scrollTop + scroller.clientHeight) {
        scroller.scrollTop = rowTop + h - scroller.clientHeight
      }
      read()
    },
  }
}
