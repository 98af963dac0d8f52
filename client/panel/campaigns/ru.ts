/**
 * Russian for the proactive messages section (issue 20, M6; keys are the English text, see
 * ../i18n.ts). Not a part of ../i18n/ru.ts: it travels with the section's on-demand chunk
 * (./text.ts).
 */
import type { Dictionary } from '../i18n.ts'

export const RU_CAMPAIGNS: Dictionary = {
  // components/Campaigns.tsx
  'Proactive messages': 'Проактивные сообщения',
  'Messages the widget shows unasked to the visitors their rules match, once each at most. A visitor who answers starts a conversation.':
    'Сообщения, которые виджет сам показывает посетителям, подходящим под их правила, — каждому не больше одного раза. Ответ посетителя начинает разговор.',
  'Shown {shown} · replied {replied}': 'Показано {shown} · ответили {replied}',
  'Page {pattern}': 'Страница {pattern}',
  'Any page': 'Любая страница',
  'After {n} s': 'Через {n} с',
  'Business hours only': 'Только в рабочие часы',
  'From {time}': 'С {time}',
  'Until {time}': 'До {time}',
  Paused: 'На паузе',
  'New proactive message': 'Новое проактивное сообщение',
  'Delete the proactive message {name}?': 'Удалить проактивное сообщение {name}?',
  'Delete message': 'Удалить сообщение',
  'Visitors no longer see it; conversations it started stay.':
    'Посетители его больше не увидят; начатые им разговоры останутся.',
  // campaigns/text.ts
  Everyone: 'Все посетители',
  'New visitors': 'Новые посетители',
  'Returning visitors': 'Вернувшиеся посетители',
  // components/CampaignForm.tsx
  Name: 'Название',
  Sender: 'Отправитель',
  'The team': 'Команда',
  Audience: 'Аудитория',
  'Page address': 'Адрес страницы',
  '* matches anything, e.g. */pricing*. Empty: any page.':
    '* — любые символы, например */pricing*. Пусто — любая страница.',
  'Seconds on the page': 'Секунд на странице',
  'Two-letter codes, comma-separated, e.g. DE, FR. Empty: any.':
    'Двухбуквенные коды через запятую, например DE, FR. Пусто — любые.',
  'Widget language': 'Язык виджета',
  'None ticked: any.': 'Ничего не отмечено — любой.',
  Starts: 'Начало',
  Ends: 'Конец',
  'Empty dates: no limit.': 'Без дат — без ограничений.',
  'On: shown to the visitors it matches': 'Включено: показывается подходящим посетителям',
  'Add message': 'Добавить сообщение',
  // components/CampaignGap.tsx
  'How often': 'Как часто',
  'At most one proactive message per visitor every':
    'Не больше одного проактивного сообщения посетителю раз в',
  'Minutes between proactive messages to a visitor':
    'Минут между проактивными сообщениями одному посетителю',
  '0: no gap between different messages. Each one reaches a visitor once at most.':
    '0 — без перерыва между разными сообщениями. Каждое доходит до посетителя не больше одного раза.',
}
