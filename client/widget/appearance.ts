/**
 * The inbox's look (docs/protocol.md 14.4), from the availability answer: title, accent color,
 * launcher position and label, which availability texts show. Until the answer (or from an
 * older server without it) the widget's own defaults.
 */
import type { AvailabilityView } from '../shared/index.ts'
import type { WidgetState } from './store.ts'

export type Appearance = AvailabilityView['appearance']

/** The server's defaults, with no title or label of the inbox's yet. */
const DEFAULT: Appearance = {
  title: '',
  launcherLabel: '',
  accentColor: '#4f46e5',
  position: 'right',
  language: 'auto',
  showReplyTime: true,
  showQueuePosition: true,
}

export function appearanceOf(state: WidgetState): Appearance {
  return state.availability?.appearance ?? DEFAULT
}

/**
 * The accent as CSS variables, only when the inbox has its own: the server took it only with
 * AA contrast under white text, and the darker shade keeps at least that.
 */
export function accentStyle(state: WidgetState): Record<string, string> | undefined {
  const color = state.availability?.appearance?.accentColor
  if (!color || !/^#[0-9a-f]{6}$/i.test(color) || color.toLowerCase() === DEFAULT.accentColor) {
    return undefined
  }
  return {
    '--accent': color,
    '--accent-strong': `color-mix(in srgb, ${color} 84%, #000)`,
  }
}
