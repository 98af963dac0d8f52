/**
 * Arrow keys in the picker's grid: sections of emoji, each laid out in rows of `columns`, one
 * after another. A position is [section, index]; Up and Down keep the column across sections.
 */
export type GridPos = [number, number]

/** Where a key moves focus, or null when it is not a move (or there is nowhere to go). */
export function gridMove(
  sizes: number[],
  [s, i]: GridPos,
  key: string,
  columns: number,
): GridPos | null {
  const size = (n: number) => sizes[n] ?? 0
  const lastRowStart = (n: number) => Math.floor((size(n) - 1) / columns) * columns
  const nonEmpty = (from: number, step: number) => {
    for (let n = from; n >= 0 && n < sizes.length; n += step) if (size(n) > 0) return n
    return -1
  }
  switch (key) {
    case 'ArrowRight': {
      if (i + 1 < size(s)) return [s, i + 1]
      const n = nonEmpty(s + 1, 1)
      return n < 0 ? null : [n, 0]
    }
    case 'ArrowLeft': {
      if (i > 0) return [s, i - 1]
      const n = nonEmpty(s - 1, -1)
      return n < 0 ? null : [n, size(n) - 1]
    }
    case 'ArrowDown': {
      if (i + columns < size(s)) return [s, i + columns]
      if (i < lastRowStart(s)) return [s, size(s) - 1]
      const n = nonEmpty(s + 1, 1)
      return n < 0 ? null : [n, Math.min(i % columns, size(n) - 1)]
    }
    case 'ArrowUp': {
      if (i - columns >= 0) return [s, i - columns]
      const n = nonEmpty(s - 1, -1)
      return n < 0 ? null : [n, Math.min(lastRowStart(n) + (i % columns), size(n) - 1)]
    }
    case 'Home':
      return [s, i - (i % columns)]
    case 'End':
      return [s, Math.min(i - (i % columns) + columns - 1, size(s) - 1)]
    default:
      return null
  }
}
