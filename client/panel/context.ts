/** The panel handed to its components. */
import { createContext, useContext } from 'solid-js'
import type { Panel } from './panel.ts'

export const PanelContext = createContext<Panel>()

export function usePanel(): Panel {
  const panel = useContext(PanelContext)
  if (!panel) throw new Error('usePanel outside PanelContext')
  return panel
}
