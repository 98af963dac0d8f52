/** Russian for the panel: snooze (issue 20; keys are the English text, ../../i18n.ts). */
import type { Dictionary } from '../../i18n.ts'

export const RU_SNOOZE: Dictionary = {
  // snooze.ts, SnoozeNote, InboxRow, ListFilters
  'Snoozed until {time}': 'Отложен до {time}',
  'Snoozed until the visitor replies': 'Отложен до ответа посетителя',
  Unsnooze: 'Вернуть сейчас',
  'Snoozed only': 'Только отложенные',

  // SnoozeMenu, SnoozeForm
  Snooze: 'Отложить',
  'In 1 hour': 'На час',
  'In 4 hours': 'На 4 часа',
  Tomorrow: 'До завтра',
  'Next week': 'До следующей недели',
  'Until the visitor replies': 'До ответа посетителя',
  'Pick a date and time…': 'Выбрать дату и время…',
  'Snooze until': 'Отложить до',
  'Date and time': 'Дата и время',
  'Choose a date and time.': 'Укажите дату и время.',
  'Choose a time in the future.': 'Укажите время в будущем.',
  'Choose a time within a year.': 'Укажите время не позже чем через год.',

  // Thread lines: activity.ts
  '{name} snoozed until {time}': 'Отложен до {time} ({name})',
  '{name} snoozed until the visitor replies': 'Отложен до ответа посетителя ({name})',
  '{name} unsnoozed': 'Возвращён из отложенных ({name})',
  'Woke up: the visitor wrote': 'Снова в работе: написал посетитель',
  'Woke up on time': 'Снова в работе: время пришло',
  'Snooze ended': 'Больше не отложен',
}
