/** Russian for the panel: shell (keys are the English text; see ../../i18n.ts). */
import type { Dictionary } from '../../i18n.ts'

export const RU_SHELL: Dictionary = {
  // Page title, top bar, sign-in.
  '({n}) Parley — operator panel': '({n}) Parley — панель оператора',
  'Parley — operator panel': 'Parley — панель оператора',
  'unread messages': 'непрочитанные сообщения',
  Pages: 'Разделы',
  Inbox: 'Входящие',
  Overview: 'Обзор',
  Operators: 'Операторы',
  Settings: 'Настройки',
  'Audit log': 'Журнал аудита',
  'Data requests': 'Запросы данных',
  'API tokens': 'API-токены',
  'Connecting…': 'Подключение…',
  'Sign out': 'Выйти',
  Language: 'Язык',
  'Operator sign in': 'Вход для операторов',
  Email: 'E-mail',
  Password: 'Пароль',
  'Sign in': 'Войти',

  // A forgotten password (PasswordReset.tsx).
  'Forgot password?': 'Забыли пароль?',
  'Password changed; log in with the new one.': 'Пароль изменён: войдите с новым паролем.',
  'Forgot your password?': 'Забыли пароль?',
  'We e-mail you a link to choose a new password.':
    'Мы отправим на e-mail ссылку, чтобы задать новый пароль.',
  'Send the link': 'Отправить ссылку',
  'Back to sign in': 'Назад ко входу',
  'If an account uses this address, we sent a link to it. It works for 30 minutes.':
    'Если этот адрес принадлежит учётной записи, мы отправили на него ссылку. Она действует 30 минут.',
  'Too many requests. Try again in {n} minutes.': [
    'Слишком много запросов. Попробуйте снова через {n} минуту.',
    'Слишком много запросов. Попробуйте снова через {n} минуты.',
    'Слишком много запросов. Попробуйте снова через {n} минут.',
  ],
  'This server cannot send reset links. Ask an admin to set a new password for you.':
    'Этот сервер не может отправлять ссылки для сброса. Попросите администратора задать вам новый пароль.',
  'Choose a new password': 'Задайте новый пароль',
  'At least 10 characters. You will be signed out on every device.':
    'Не меньше 10 символов. Вы выйдете из учётной записи на всех устройствах.',
  'Set the new password': 'Сохранить новый пароль',
  'This link is invalid or has expired. Ask for a new one.':
    'Ссылка недействительна или устарела. Запросите новую.',
  'Ask for a new link': 'Запросить новую ссылку',

  // Own status and account menu.
  Online: 'В сети',
  Away: 'Отошёл',
  Busy: 'Занят',
  'My status': 'Мой статус',
  Account: 'Учётная запись',
  'Name shown to visitors…': 'Имя для посетителей…',
  'Change password…': 'Сменить пароль…',
  'My canned replies': 'Мои шаблоны ответов',
  'Notifications…': 'Уведомления…',
  'Language…': 'Язык…',
  'Sign out everywhere…': 'Выйти на всех устройствах…',
  'The language could not be loaded. Try again.': 'Не удалось загрузить язык. Попробуйте ещё раз.',

  // Notifications dialog.
  Notifications: 'Уведомления',
  'While Parley is in a background tab, on this device, alert me about:':
    'Когда Parley открыт в фоновой вкладке, уведомлять на этом устройстве о событиях:',
  'Alert me about': 'Уведомлять о событиях',
  'New conversations': 'Новые разговоры',
  'New messages from visitors': 'Новые сообщения от посетителей',
  'Conversations assigned or transferred to me': 'Разговоры, назначенные или переданные мне',
  'Mentions in notes': 'Упоминания в заметках',
  'Play a sound': 'Звуковой сигнал',
  'Browser notifications are allowed.': 'Уведомления браузера разрешены.',
  'This browser blocks notifications from Parley: allow them in its site settings.':
    'Браузер блокирует уведомления Parley: разрешите их в настройках сайта.',
  'This browser has not been asked yet.': 'Разрешение у браузера ещё не запрашивалось.',
  'This browser shows no notifications; alerts only beep.':
    'Этот браузер не показывает уведомления; будет только звуковой сигнал.',
  'Allow browser notifications': 'Разрешить уведомления браузера',
  "E-mail me a digest of waiting conversations while I'm offline":
    'Присылать мне на почту сводку ждущих разговоров, пока я не в сети',
  'Not available: this server sends no e-mail (SMTP is not set up).':
    'Недоступно: этот сервер не отправляет почту (SMTP не настроен).',
  Done: 'Готово',

  // Password and sign out everywhere.
  'Change password': 'Сменить пароль',
  'The new passwords do not match.': 'Новые пароли не совпадают.',
  'Password changed. Your other sessions were signed out.':
    'Пароль изменён. Другие ваши сеансы завершены.',
  'Current password': 'Текущий пароль',
  'New password': 'Новый пароль',
  'At least 10 characters. Your other sessions will be signed out.':
    'Не меньше 10 символов. Другие ваши сеансы будут завершены.',
  'New password again': 'Новый пароль ещё раз',
  Cancel: 'Отмена',
  'Sign out everywhere?': 'Выйти на всех устройствах?',
  'This ends your sessions in every browser and on every device, this one included.':
    'Все ваши сеансы во всех браузерах и на всех устройствах, включая это, будут завершены.',
  'Sign out everywhere': 'Выйти на всех устройствах',

  // Picture and name.
  'Picture and name shown to visitors': 'Фото и имя для посетителей',
  'Your picture': 'Ваше фото',
  'Picture of {name}': 'Фото: {name}',
  'Full name': 'Полное имя',
  'What colleagues see.': 'Его видят коллеги.',
  'Name shown to visitors': 'Имя для посетителей',
  'Up to {n} characters. Empty: your first name, {first}.':
    'До {n} символов. Если оставить пустым — ваше имя, {first}.',
  'Up to {n} characters. Empty: the first name, {first}.':
    'До {n} символов. Если оставить пустым — имя, {first}.',
  'Full name: enter a name.': 'Полное имя: введите имя.',
  'Full name: at most {n} characters.': 'Полное имя: не больше {n} символов.',
  'Name shown to visitors: at most {n} characters.': 'Имя для посетителей: не больше {n} символов.',
  Save: 'Сохранить',
  Picture: 'Фото',
  '{label}: initials': '{label}: инициалы',
  'Change picture…': 'Сменить фото…',
  'Choose a picture…': 'Выбрать фото…',
  'Remove picture': 'Удалить фото',
  'PNG, JPEG, WebP or GIF, up to 5 MB; cut to a square.':
    'PNG, JPEG, WebP или GIF, до 5 МБ; обрезается до квадрата.',
  'Uploading the picture': 'Загрузка фото',
  'Uploading…': 'Загрузка…',
  'Removing…': 'Удаление…',
  'Picture saved.': 'Фото сохранено.',
  'Picture removed: initials are shown.': 'Фото удалено: показаны инициалы.',
  'The picture is larger than 5 MB. Choose a smaller one.':
    'Фото больше 5 МБ. Выберите файл поменьше.',

  // Keyboard shortcuts.
  'Keyboard shortcuts': 'Горячие клавиши',
  'Next conversation': 'Следующий разговор',
  'Previous conversation': 'Предыдущий разговор',
  Reply: 'Ответ',
  'Private note': 'Заметка',
  Resolve: 'Решить',
  'Assign to me': 'Назначить мне',
  Search: 'Поиск',
  'Show these shortcuts': 'Показать горячие клавиши',
  'Leave the field or close the dialog': 'Выйти из поля или закрыть окно',
  'Single keys work when no text field has the focus.':
    'Одиночные клавиши работают, когда курсор не в текстовом поле.',
  Close: 'Закрыть',

  // The list: views, filters, rows, bulk actions.
  'Select a conversation': 'Выберите разговор',
  Conversations: 'Разговоры',
  'No conversations here': 'Здесь нет разговоров',
  'Loading…': 'Загрузка…',
  Views: 'Представления',
  Mine: 'Мои',
  Unassigned: 'Без исполнителя',
  All: 'Все',
  Status: 'Статус',
  'Any status': 'Любой статус',
  // The status filter's options ("Open" alone is the verb elsewhere).
  'status|Open': 'Открыт',
  'status|Pending': 'Ожидает ответа',
  'status|Resolved': 'Решён',
  'status|Closed': 'Закрыт',
  // The list's inbox filter (a configured inbox; the page tab "Inbox" is «Входящие»).
  'filter|Inbox': 'Ящик',
  'All inboxes': 'Все ящики',
  Assignee: 'Исполнитель',
  Anyone: 'Все исполнители',
  Me: 'Я',
  'Sort by': 'Сортировка',
  'Last activity': 'По активности',
  'Waiting longest': 'По ожиданию',
  'Unanswered only': 'Только без ответа',
  open: 'открыт',
  pending: 'ожидает ответа',
  resolved: 'решён',
  closed: 'закрыт',
  'You: ': 'Вы: ',
  You: 'Вы',
  Photo: 'Фото',
  'Message deleted': 'Сообщение удалено',
  Unanswered: 'Без ответа',
  'waiting {time}': 'ждёт {time}',
  '<1 min': '<1 мин',
  'Select {name}': 'Выбрать: {name}',
  '{n} unread': 'Непрочитанных: {n}',
  now: 'сейчас',
  '{n} min': '{n} мин',
  '{n} h': '{n} ч',
  '{n} d': '{n} д',
  'Bulk actions': 'Массовые действия',
  'Select all shown': 'Выбрать все показанные',
  '{n} selected': 'Выбрано: {n}',
  'Assign to': 'Кому назначить',
  'Assign to…': 'Назначить…',
  'Pick rows of one inbox': 'Выберите строки одного ящика',
  Assign: 'Назначить',
  '{failed} of {total} could not be resolved: {reasons}':
    'Не удалось решить {failed} из {total}: {reasons}',
  '{failed} of {total} could not be marked pending: {reasons}':
    'Не удалось перевести в ожидание {failed} из {total}: {reasons}',
  '{failed} of {total} could not be closed: {reasons}':
    'Не удалось закрыть {failed} из {total}: {reasons}',
  '{failed} of {total} could not be assigned: {reasons}':
    'Не удалось назначить {failed} из {total}: {reasons}',

  // Search.
  'Search conversations': 'Поиск разговоров',
  'Search messages and visitors': 'Поиск по сообщениям и посетителям',
  'Clear search': 'Очистить поиск',
  'Search failed: {message}': 'Поиск не удался: {message}',
  'Search failed': 'Поиск не удался',
  'Searching…': 'Поиск…',
  'No conversations match “{query}”': 'Нет разговоров по запросу «{query}»',
  '{n}+ results': '{n}+ результатов',
  '{n} results': ['{n} результат', '{n} результата', '{n} результатов'],
  'Search results': 'Результаты поиска',
  Colleague: 'Коллега',
  Name: 'Имя',
  'E-mail': 'E-mail',
  Phone: 'Телефон',
  Visitor: 'Посетитель',
  Operator: 'Оператор',
  'Load more': 'Загрузить ещё',

  // Notifications, announcements, generated names.
  'New conversation': 'Новый разговор',
  'New message': 'Новое сообщение',
  'A visitor is waiting for a reply': 'Посетитель ждёт ответа',
  'New conversation from {name}': 'Новый разговор от {name}',
  'New message from {name}': 'Новое сообщение от {name}',
  '{n} new messages': ['{n} новое сообщение', '{n} новых сообщения', '{n} новых сообщений'],
  '{n} new conversations': ['{n} новый разговор', '{n} новых разговора', '{n} новых разговоров'],
  '{messages} and {conversations}': '{messages} и {conversations}',
  'Visitor {id}': 'Посетитель {id}',
  'Offline request': 'Офлайн-заявка',
  'Live chat': 'Чат',
}
