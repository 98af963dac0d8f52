/** Russian for the panel: admin-team (keys are the English text; see ../../i18n.ts). */
import type { Dictionary } from '../../i18n.ts'

export const RU_ADMIN_TEAM: Dictionary = {}
