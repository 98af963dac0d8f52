/**
 * Russian for the panel: macros, auto-resolve, who else is viewing and mentions (issue 20; keys
 * are the English text, ../../i18n.ts).
 */
import type { Dictionary } from '../../i18n.ts'

export const RU_MACROS: Dictionary = {
  // InboxForm
  'Resolve open conversations after (days without a message, 0 = never)':
    'Решать открытые диалоги через (дней без сообщений, 0 = никогда)',
  'Message sent before resolving automatically (empty: none)':
    'Сообщение перед автоматическим решением (пусто: без сообщения)',

  // MacroMenu
  Macros: 'Макросы',
  'Running…': 'Выполняется…',

  // MacroSettings, MacroForm, MacroStep
  'Operators run them on a conversation from its thread.':
    'Операторы запускают их в диалоге: макрос делает несколько действий сразу.',
  '{n} actions': ['{n} действие', '{n} действия', '{n} действий'],
  'New macro': 'Новый макрос',
  'Add macro': 'Добавить макрос',
  'Delete the macro {name}?': 'Удалить макрос «{name}»?',
  'Delete macro': 'Удалить макрос',
  'Operators can no longer run it.': 'Операторы больше не смогут его запускать.',
  'Another macro of this inbox has this name.': 'Макрос с таким названием в этом ящике уже есть.',
  'Action {n}': 'Действие {n}',
  'Move action {n} up': 'Переместить действие {n} выше',
  'Move action {n} down': 'Переместить действие {n} ниже',
  'Remove action {n}': 'Убрать действие {n}',
  'Add action': 'Добавить действие',
  'Add labels': 'Добавить метки',
  'Remove labels': 'Убрать метки',
  'Set the priority': 'Задать приоритет',
  'Send a reply': 'Отправить ответ',
  'Add a private note': 'Добавить заметку',
  'Transfer to a branch': 'Передать в отдел',
  'Resolve or close': 'Решить или закрыть',
  'No labels yet.': 'Меток пока нет.',
  'Whoever runs the macro': 'Тому, кто запускает макрос',
  'Nobody (unassign)': 'Никому (снять назначение)',
  'Choose a branch': 'Выберите отдел',
  'How long': 'На сколько',
  'For 1 hour': 'На час',
  'For 4 hours': 'На 4 часа',
  'For 1 day': 'На день',
  'For 1 week': 'На неделю',
  'For {n} min': 'На {n} мин',

  // AlsoViewing, ConversationPane, Composer
  'Also viewing: {names}': 'Также открыли: {names}',
  '{names} are typing a reply…': [
    '{names} пишет ответ…',
    '{names} пишут ответ…',
    '{names} пишут ответ…',
  ],
  '{names} replied while you were writing.': 'Пока вы писали, ответил коллега: {names}.',
  'Send anyway': 'Всё равно отправить',

  // UserMenu, MentionsDialog
  'Mentions…': 'Упоминания…',
  Mentions: 'Упоминания',
  'No one has mentioned you in a note yet.': 'В заметках вас пока никто не упоминал.',

  // AuditLog
  'Added a macro': 'Добавил макрос',
  'Changed a macro': 'Изменил макрос',
  'Deleted a macro': 'Удалил макрос',
  Macro: 'Макрос',
}
