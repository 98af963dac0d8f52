/** Russian for the panel: admin-inbox (keys are the English text; see ../../i18n.ts). */
import type { Dictionary } from '../../i18n.ts'

export const RU_ADMIN_INBOX: Dictionary = {}
