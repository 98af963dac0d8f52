/** The widget handed to every component: state, actions, strings. */
import { createContext, useContext } from 'solid-js'
import type { Widget } from './widget.ts'

export const WidgetContext = createContext<Widget>()

export function useWidget(): Widget {
  const widget = useContext(WidgetContext)
  if (!widget) throw new Error('useWidget outside WidgetContext')
  return widget
}
