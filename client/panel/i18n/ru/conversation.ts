/** Russian for the panel: conversation (keys are the English text; see ../../i18n.ts). */
import type { Dictionary } from '../../i18n.ts'

export const RU_CONVERSATION: Dictionary = {}
