/** Russian for the panel: shell (keys are the English text; see ../../i18n.ts). */
import type { Dictionary } from '../../i18n.ts'

export const RU_SHELL: Dictionary = {}
