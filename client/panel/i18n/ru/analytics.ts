/** Russian for the panel: the analytics dashboard (keys are the English text; see ../../i18n.ts). */
import type { Dictionary } from '../../i18n.ts'

export const RU_ANALYTICS: Dictionary = {
  // The page, its states.
  Analytics: 'Аналитика',
  'Analytics are for admins and supervisors': 'Аналитика доступна администраторам и супервизорам',
  'Figures as of {time}': 'Данные на {time}',
  'No conversations in this period. Choose other dates or filters.':
    'За этот период разговоров нет. Выберите другие даты или фильтры.',
  'Headline figures': 'Основные показатели',
  Inboxes: 'Ящики',
  Countries: 'Страны',
  Regions: 'Регионы',
  Channels: 'Каналы',

  // Filters.
  Dates: 'Даты',
  Today: 'Сегодня',
  'Last 7 days': 'Последние 7 дней',
  'Last 30 days': 'Последние 30 дней',
  'This month': 'Этот месяц',
  'Previous month': 'Прошлый месяц',
  'Custom dates': 'Свои даты',
  Interval: 'Шаг',
  'By day': 'По дням',
  'By week': 'По неделям',
  'By month': 'По месяцам',
  'All branches': 'Все отделы',
  'All operators': 'Все операторы',
  'All channels': 'Все каналы',
  'Country code': 'Код страны',
  Any: 'Любая',
  'Two letters, such as DE': 'Две латинские буквы, например DE',
  Widget: 'Виджет',

  // Durations and changes.
  '{s} s': '{s} с',
  '{m} min {s} s': '{m} мин {s} с',
  '{h} h': '{h} ч',
  '{d} d {h} h': '{d} д {h} ч',
  '{d} d': '{d} д',
  'no figure to compare with the previous period': 'не с чем сравнить в предыдущем периоде',
  'no change from the previous period': 'без изменений к предыдущему периоду',
  new: 'новое',
  'up from none in the previous period': 'рост, в предыдущем периоде не было',
  'up {n}% from the previous period': 'рост на {n}% к предыдущему периоду',
  'down {n}% from the previous period': 'снижение на {n}% к предыдущему периоду',

  // Headline cards.
  Resolved: 'Решено',
  'First response (median)': 'Первый ответ (медиана)',
  'average {time}': 'в среднем {time}',
  'First response in working hours (median)': 'Первый ответ в рабочие часы (медиана)',
  'Resolution time (median)': 'Время решения (медиана)',
  'Queue wait (median)': 'Ожидание в очереди (медиана)',
  'Offline requests': 'Офлайн-заявки',
  'Visitor messages': 'Сообщения посетителей',
  'Operator messages': 'Сообщения операторов',
  Escalations: 'Эскалации',
  Transfers: 'Передачи',
  Rating: 'Оценка',
  'Rating response rate': 'Доля ответивших на оценку',
  '{rated} of {asked} asked': '{rated} из {asked} опрошенных',
  '{share} positive': '{share} положительных',
  '{avg} of {max}': '{avg} из {max}',
  '{n} ratings': ['{n} оценка', '{n} оценки', '{n} оценок'],
  'Online time': 'Время в сети',
  'Away: {away}, busy: {busy}': 'Отошёл: {away}, занят: {busy}',
  'Average load': 'Средняя нагрузка',
  'peak {n}': 'пик {n}',

  // Charts.
  'Over time': 'По времени',
  'Conversations and resolved': 'Разговоры и решённые',
  'Show as table': 'Показать таблицей',
  'Hide the table': 'Скрыть таблицу',
  Period: 'Период',
  'Chart, {range}. {text}': 'График, {range}. {text}',
  '{what}: none': '{what}: нет',
  '{what}: {n} in all, most in {when} ({top})': '{what}: всего {n}, больше всего — {when} ({top})',
  'No first responses in this period': 'За этот период первых ответов нет',
  'Median first response from {low} to {high}': 'Медиана первого ответа от {low} до {high}',
  'Operator load': 'Нагрузка операторов',
  'Peak load': 'Пиковая нагрузка',
  'No conversations assigned and open in this period':
    'За этот период не было открытых назначенных разговоров',
  'Average load from {low} to {high}; the peak, {peak} at once, in {when}':
    'Средняя нагрузка от {low} до {high}; пик — {peak} одновременно ({when})',

  // Heatmap.
  'Peak hours': 'Часы пик',
  'Conversations started': 'Начатые разговоры',
  'Visitor messages by weekday and hour': 'Сообщения посетителей по дням недели и часам',
  'Conversations started by weekday and hour': 'Начатые разговоры по дням недели и часам',

  // Breakdown tables.
  Assigned: 'Назначено',
  Unknown: 'Не определено',
  'Resolution (median)': 'Решение (медиана)',
  'Nothing in this period.': 'За этот период ничего нет.',

  // Ratings.
  Ratings: 'Оценки',
  'Response rate: {rate} ({rated} of {asked} asked)':
    'Ответили на оценку: {rate} ({rated} из {asked} опрошенных)',
  'No ratings in this period.': 'За этот период оценок нет.',
  'Stars (1–5)': 'Звёзды (1–5)',
  'Thumbs up or down': 'Палец вверх или вниз',
  'Likelihood to recommend (0–10)': 'Готовность рекомендовать (0–10)',
  'Thumbs up': 'Палец вверх',
  'Thumbs down': 'Палец вниз',
  'average {avg}': 'в среднем {avg}',
  'NPS {nps}': 'индекс NPS {nps}',
  Score: 'Балл',
  'Latest comments': 'Последние комментарии',
  'No comments in this period.': 'За этот период комментариев нет.',
  'Open the conversation': 'Открыть разговор',

  // Conversations by label.
  'Conversations by label': 'Разговоры по меткам',
  'No labels in these inboxes yet.': 'В этих ящиках пока нет меток.',
  'As labelled now; a conversation may carry several.':
    'Метки на сейчас; у разговора их может быть несколько.',
  Share: 'Доля',
  'No label': 'Без метки',

  // Conversations by attribute.
  'Conversations by attribute': 'Разговоры по атрибутам',
  'No list or checkbox attributes in these inboxes yet.':
    'В этих ящиках пока нет атрибутов-списков и флажков.',
  'As set now.': 'Значения на сейчас.',
  Value: 'Значение',

  // SLA.
  SLA: 'Соблюдение SLA',
  'No conversations under an SLA in this period.': 'За этот период нет разговоров с SLA.',
  'Under an SLA': 'Разговоры с SLA',
  'Breached the SLA': 'SLA нарушен',
  'Breaches by kind': 'Нарушения по типам',
  'A conversation may breach more than once.': 'Разговор может нарушить SLA несколько раз.',
  Kind: 'Тип',
  Breaches: 'Нарушения',
  'First response': 'Первый ответ',
  'Next response': 'Следующий ответ',
  Resolution: 'Решение',
  'By policy': 'По политикам',
  Policy: 'Политика',
  Breached: 'С нарушением',
  'Breach rate': 'Доля нарушений',

  // Drill-down.
  '{n} conversations': ['{n} разговор', '{n} разговора', '{n} разговоров'],
  '(more to show)': '(есть ещё)',
  'first response {time}': 'первый ответ {time}',
  'resolved in {time}': 'решён за {time}',
  'rated {score}': 'оценка {score}',
  '{what}, {which}: {n} — list them': '{what}, {which}: {n} — показать список',
}
