/** The help center's words in the widget (issue 21), in its chunk: English and Russian. */
import type { Lang } from '../config.ts'

const en = {
  search: 'Search for answers',
  /** Read out (politely) once results are shown. */
  found: (n: number) => (n === 1 ? '1 article found' : `${n} articles found`),
  none: 'No articles found',
  corrected: (q: string) => `Showing results for “${q}”`,
  still: 'Still need help?',
  write: 'Write to us',
  might: 'These might help',
  back: 'Back',
  loading: 'Loading…',
  failed: 'The article could not be loaded. Please try again later.',
}

const plural = new Intl.PluralRules('ru')
const articles: Record<string, string> = { one: 'статья', few: 'статьи' }

const ru: typeof en = {
  search: 'Поиск по статьям',
  found: (n) =>
    `${plural.select(n) === 'one' ? 'Найдена' : 'Найдено'} ${n} ${articles[plural.select(n)] ?? 'статей'}`,
  none: 'Статьи не найдены',
  corrected: (q) => `Показаны результаты для «${q}»`,
  still: 'Не нашли ответ?',
  write: 'Напишите нам',
  might: 'Возможно, это поможет',
  back: 'Назад',
  loading: 'Загрузка…',
  failed: 'Не удалось загрузить статью. Попробуйте позже.',
}

export type HelpStrings = typeof en

/** The words in the widget's language. */
export function helpStrings(lang: Lang): HelpStrings {
  return lang === 'ru' ? ru : en
}
