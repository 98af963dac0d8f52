/**
 * Russian for the panel: automation rules (issue 20; keys are the English text, ../../i18n.ts).
 */
import type { Dictionary } from '../../i18n.ts'

export const RU_RULES: Dictionary = {
  // activity.ts, snooze.ts, MessageItem, NoteItem, TransferLineItem: who did it; the webhook
  // delivery log's name for a rule's `rule.triggered` event (webhook-labels.ts)
  'Automation rule': 'Правило автоматизации',

  // Rules
  'Automation rules': 'Правила автоматизации',
  'When something happens to a conversation, its rules act by themselves, in this order.':
    'Когда с диалогом что-то происходит, правила срабатывают сами, в этом порядке.',
  '{event} {n} min': '{event} {n} мин',
  'Never ran': 'Ещё не срабатывало',
  'Ran {n} times, last {time}': [
    'Сработало {n} раз, последний раз {time}',
    'Сработало {n} раза, последний раз {time}',
    'Сработало {n} раз, последний раз {time}',
  ],
  'Move {name} up': 'Переместить «{name}» выше',
  'Move {name} down': 'Переместить «{name}» ниже',
  'Last failed {time}: {message}': 'Последний сбой {time}: {message}',
  '{name} is on': 'Правило «{name}» включено',
  'New rule': 'Новое правило',
  'Delete the rule {name}?': 'Удалить правило «{name}»?',
  'Delete rule': 'Удалить правило',
  'It no longer runs; what it did stays done.':
    'Оно больше не будет срабатывать; сделанное им останется.',

  // RuleForm
  'Another rule of this inbox has this name.': 'Правило с таким названием в этом ящике уже есть.',
  When: 'Когда',
  Minutes: 'Минут',
  'If all of these hold': 'Если выполнены все условия',
  'No conditions: every time.': 'Условий нет: каждый раз.',
  Conditions: 'Условия',
  'Add condition': 'Добавить условие',
  Then: 'То',
  'Add rule': 'Добавить правило',

  // RuleConditionRow
  'Condition {n}': 'Условие {n}',
  'Condition {n} comparison': 'Сравнение в условии {n}',
  'Condition {n} value': 'Значение в условии {n}',
  'Remove condition {n}': 'Убрать условие {n}',
  'Choose a label': 'Выберите метку',
  Nobody: 'Никто',
  Yes: 'Да',
  No: 'Нет',
  'The visitor': 'Посетитель',

  // RuleNotify
  'Notify teammates': 'Уведомить коллег',
  Teammates: 'Коллеги',
  'No operators in this inbox.': 'В этом ящике нет операторов.',
  'Left the inbox ({id})': 'Больше не в ящике ({id})',
  'Action {n}: choose at least one teammate to notify.':
    'Действие {n}: выберите хотя бы одного коллегу для уведомления.',
  'Action {n}: choose at most {max} teammates to notify.':
    'Действие {n}: выберите не больше {max} коллег для уведомления.',
  'Action {n}: write the note.': 'Действие {n}: напишите заметку.',

  // RuleWebhook
  'Send a webhook': 'Отправить вебхук',
  Endpoint: 'Получатель',
  'Choose an endpoint': 'Выберите получателя',
  '{name} (off)': '{name} (выключен)',
  'Not an HTTP endpoint of this inbox ({id})': 'Не HTTP-вебхук этого ящика ({id})',
  'Only admins can see webhook endpoints.': 'Вебхуки видят только администраторы.',
  'This inbox has no HTTP webhook endpoint: an admin adds one in Settings → Webhooks.':
    'У этого ящика нет HTTP-вебхука: администратор добавляет его в разделе «Настройки → Вебхуки».',
  'Action {n}: choose a webhook endpoint.': 'Действие {n}: выберите получателя вебхука.',
  'Action {n}: only an admin can choose the webhook endpoint.':
    'Действие {n}: получателя вебхука может выбрать только администратор.',

  // RuleDryRun
  'Look back': 'За период',
  'Dry run': 'Проверить',
  'First matches': 'Первые совпадения',
  '{n} days': ['{n} день', '{n} дня', '{n} дней'],
  'This rule would have matched {matched} of {examined} conversations in the last {n} days': [
    'Правило подошло бы к {matched} из {examined} диалогов за последний {n} день',
    'Правило подошло бы к {matched} из {examined} диалогов за последние {n} дня',
    'Правило подошло бы к {matched} из {examined} диалогов за последние {n} дней',
  ],

  // rule-words.ts
  'A conversation starts': 'Начинается диалог',
  'A message is sent': 'Отправлено сообщение',
  'A conversation changes': 'Диалог изменился',
  'A conversation is resolved': 'Диалог решён',
  'The visitor has waited': 'Посетитель ждёт ответа',
  is: 'равно',
  'is not': 'не равно',
  contains: 'содержит',
  'does not contain': 'не содержит',
  'starts with': 'начинается с',
  has: 'есть',
  'does not have': 'нет',
  'is at least': 'не ниже',
  'Business hours': 'Рабочее время',
  'Page URL': 'URL страницы',
  'Message text': 'Текст сообщения',
  'Message author': 'Автор сообщения',
  'Added an automation rule': 'Добавил правило автоматизации',
  'Changed an automation rule': 'Изменил правило автоматизации',
  'Deleted an automation rule': 'Удалил правило автоматизации',
  'Reordered automation rules': 'Изменил порядок правил автоматизации',
}
