/**
 * Russian for the analytics dashboard's help-center section (components/AnalyticsHelp.tsx; keys
 * are the English text). It travels with the dashboard's on-demand chunk: the panel's Russian
 * chunk has no room left. tests/browser/panel-help.test.ts checks that every key is translated.
 */
import type { Dictionary } from '../../i18n.ts'

export const RU_HELP_FIGURES: Dictionary = {
  'Help center': 'Центр помощи',
  'What readers of the help site and the widget read and searched.':
    'Что читатели сайта помощи и виджета читали и искали.',
  'Article views': 'Просмотры статей',
  Searches: 'Поиски',
  'Found nothing': 'Ничего не нашли',
  'Found an answer without writing': 'Нашли ответ, не написав',
  'Visitors of the widget who searched or read and started no conversation within a day.':
    'Посетители виджета, которые искали или читали и не начали разговор в течение суток.',
  Helpful: 'Полезно',
  '{n} of {of}': '{n} из {of}',
  'Searches that found nothing': 'Поиски без результатов',
  Query: 'Запрос',
  Times: 'Раз',
  'Last searched': 'Последний раз',
  'Most read articles': 'Самые читаемые статьи',
  Article: 'Статья',
  Views: 'Просмотры',
}
