/** The widget's two UI languages. Message text is never translated, only the chrome around it. */
import type { ParleyError } from '../shared/index.ts'
import type { Lang } from './config.ts'

/** The team's typical reply time (whole minutes from the server): "3 min", from an hour "2 h". */
function duration(minutes: number, min: string, hours: string): string {
  // A no-break space: the number never ends a line without its unit.
  return minutes < 60 ? `${minutes}\u00a0${min}` : `${Math.round(minutes / 60)}\u00a0${hours}`
}

const en = {
  title: 'Support',
  connecting: 'Connecting…',
  offline: 'Offline: messages will be sent when the connection is back',
  online: 'Online',
  busy: 'All operators are busy, you are in the queue',
  replies: (minutes: number) => `Typically replies in ~${duration(minutes, 'min', 'h')}`,
  place: (n: number) => `You are #${n} in line`,
  from: (name: string) => `${name} from Support`,
  joined: (name?: string) => `${name ?? 'An operator'} joined the conversation`,
  auto: 'Automatic reply',
  closed: "We're offline right now",
  back: (when: string) => `Back ${when}`,
  leave: 'Leave us a message',
  name: 'Name',
  email: 'E-mail',
  message: 'Message',
  required: 'Please fill this in',
  badEmail: 'Enter an e-mail address like name@example.com',
  tooMany: 'Too many requests, try again later',
  thanks: (email: string) => `Thanks! We'll answer at ${email}`,
  placeholder: 'Write a message…',
  hint: 'Enter to send, Shift+Enter for a new line',
  send: 'Send',
  emoji: 'Emoji',
  save: 'Save',
  openChat: 'Open support chat',
  closeChat: 'Close chat',
  typing: 'Operator is typing…',
  edit: 'Edit',
  delete: 'Delete',
  editing: 'Editing message',
  cancel: 'Cancel',
  deleted: 'Message deleted',
  edited: 'edited',
  you: 'You',
  support: 'Support',
  pending: 'Sending…',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Not sent',
  discard: 'Remove',
  dismiss: 'Dismiss',
  loadingOlder: 'Loading earlier messages…',
  newMessage: 'New message from support:',
  messages: 'Messages',
  conversations: 'Your conversations',
  resolved: 'This conversation was resolved. Writing again reopens it.',
  closedConversation: 'This conversation was closed. Writing again starts a new one.',
  details: 'Your details',
  tooLong: 'The message is too long',
  alreadyRead:
    'The operator has already read this message, so it can no longer be changed. Your text is kept: send it as a new message.',
  alreadyDeleted: 'This message has already been deleted.',
  offlineAction: 'No connection right now. Please try again in a moment.',
  rateLimited: 'You are sending messages too fast. Please wait a moment.',
  resumesIn: (s: number) => (s > 0 ? `Sending resumes in ${s}\u00a0s.` : 'Sending again…'),
  failedAction: 'Something went wrong. Please try again.',
  verifying:
    'Checking that you are a person: your browser solves a small puzzle, a few seconds at most…',
  verifyFailed: 'The check did not work out. Please reload the page and try again.',
  unread: (n: number) => (n === 1 ? '1 unread message' : `${n} unread messages`),
}

export type Strings = typeof en

const ruPlural = new Intl.PluralRules('ru')
const ruUnread: Record<string, string> = {
  one: 'непрочитанное сообщение',
  few: 'непрочитанных сообщения',
  many: 'непрочитанных сообщений',
  other: 'непрочитанного сообщения',
}

const ru: Strings = {
  title: 'Поддержка',
  connecting: 'Подключение…',
  offline: 'Нет связи: сообщения отправятся, когда она появится',
  online: 'В сети',
  busy: 'Все операторы заняты, вы в очереди',
  // "мин" and "ч" are abbreviations: the same for every number.
  replies: (minutes: number) => `Обычно отвечаем за ~${duration(minutes, 'мин', 'ч')}`,
  place: (n: number) => `Вы №${n} в очереди`,
  from: (name: string) => `${name}, поддержка`,
  // Neutral in gender: "оператор" agrees with any name.
  joined: (name?: string) => `К разговору подключился оператор${name ? ` ${name}` : ''}`,
  auto: 'Автоответ',
  closed: 'Сейчас мы не в сети',
  back: (when: string) => `Вернёмся ${when}`,
  leave: 'Оставьте нам сообщение',
  name: 'Имя',
  email: 'Эл. почта',
  message: 'Сообщение',
  required: 'Заполните это поле',
  badEmail: 'Введите адрес вида name@example.com',
  tooMany: 'Слишком много запросов, попробуйте позже',
  thanks: (email: string) => `Спасибо! Мы ответим на ${email}`,
  placeholder: 'Напишите сообщение…',
  hint: 'Enter — отправить, Shift+Enter — новая строка',
  send: 'Отправить',
  emoji: 'Эмодзи',
  save: 'Сохранить',
  openChat: 'Открыть чат поддержки',
  closeChat: 'Закрыть чат',
  typing: 'Оператор печатает…',
  edit: 'Изменить',
  delete: 'Удалить',
  editing: 'Редактирование сообщения',
  cancel: 'Отмена',
  deleted: 'Сообщение удалено',
  edited: 'изменено',
  you: 'Вы',
  support: 'Поддержка',
  pending: 'Отправляется…',
  sent: 'Отправлено',
  delivered: 'Доставлено',
  read: 'Прочитано',
  failed: 'Не отправлено',
  discard: 'Убрать',
  dismiss: 'Закрыть',
  loadingOlder: 'Загружаем более ранние сообщения…',
  newMessage: 'Новое сообщение от поддержки:',
  messages: 'Сообщения',
  conversations: 'Ваши обращения',
  resolved: 'Обращение отмечено решённым. Если напишете снова, оно откроется.',
  closedConversation: 'Обращение закрыто. Если напишете снова, начнётся новое.',
  details: 'Ваши данные',
  tooLong: 'Сообщение слишком длинное',
  alreadyRead:
    'Оператор уже прочитал это сообщение, изменить его нельзя. Текст сохранён: отправьте его новым сообщением.',
  alreadyDeleted: 'Это сообщение уже удалено.',
  offlineAction: 'Сейчас нет связи. Попробуйте ещё раз чуть позже.',
  rateLimited: 'Вы отправляете сообщения слишком часто. Подождите немного.',
  resumesIn: (s: number) => (s > 0 ? `Отправка возобновится через ${s}\u00a0с.` : 'Отправляем…'),
  failedAction: 'Что-то пошло не так. Попробуйте ещё раз.',
  verifying:
    'Проверяем, что вы человек: браузер решает небольшую задачу, это займёт несколько секунд…',
  verifyFailed: 'Проверка не удалась. Перезагрузите страницу и попробуйте ещё раз.',
  unread: (n: number) => `${n} ${ruUnread[ruPlural.select(n)]}`,
}

/** What to tell the visitor when a form's request failed. */
export function failureText(t: Strings, error: ParleyError): string {
  const code = error.code
  if (code === 'validation_failed') return error.message
  if (code === 'rate_limited') return t.tooMany
  return code === 'unavailable' || code === 'overloaded' ? t.offlineAction : t.failedAction
}

export function strings(lang: Lang): Strings {
  return lang === 'ru' ? ru : en
}
