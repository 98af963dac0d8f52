/** The proactive message's words (M6), in its chunk: a page without campaigns never loads them. */
import type { Lang } from '../config.ts'

const en = {
  /** Its accessible name, and how it is read out when it shows. */
  from: (name: string) => `Message from ${name}`,
  reply: 'Reply',
  dismiss: 'Close message',
}

const ru: typeof en = {
  // "Вам пишет Анна": the name stays in the nominative, whatever it is.
  from: (name: string) => `Вам пишет ${name}`,
  reply: 'Ответить',
  dismiss: 'Закрыть сообщение',
}

export type CampaignStrings = typeof en

export function campaignStrings(lang: Lang): CampaignStrings {
  return lang === 'ru' ? ru : en
}
