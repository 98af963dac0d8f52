/** Russian for the panel: admin-webhooks (keys are the English text; see ../../i18n.ts). */
import type { Dictionary } from '../../i18n.ts'

export const RU_ADMIN_WEBHOOKS: Dictionary = {
  Webhooks: 'Вебхуки',
  'Webhooks of {name}': 'Вебхуки: {name}',
  "Parley sends this inbox's events to these endpoints: webhooks (signed requests to a URL), Telegram chats and e-mail to the team (notifications, SLA breaches), e-mail to visitors (operators' answers to offline requests) and the Telegram channel (answers to people who write to your bot). A failed delivery is retried for 24 hours.":
    'Parley отправляет события этого ящика этим получателям: вебхукам (подписанные запросы на URL), в чаты Telegram и на e-mail команды (уведомления, нарушения SLA), по e-mail посетителям (ответы операторов на офлайн-заявки) и в Telegram (ответы тем, кто пишет вашему боту). Неудачная доставка повторяется в течение 24 часов.',
  'No endpoints yet.': 'Получателей пока нет.',
  'Add endpoint': 'Добавить получателя',
  Webhook: 'Вебхук',
  'Telegram chat': 'Чат Telegram',
  'E-mail replies to offline requests': 'Ответы на офлайн-заявки по e-mail',
  'E-mail to visitors ({lang})': 'E-mail посетителям ({lang})',
  'Telegram channel (people write to your bot)': 'Обращения из Telegram (люди пишут вашему боту)',
  'Telegram channel': 'Обращения из Telegram',
  'E-mail to the team': 'E-mail команде',

  // The form
  'New endpoint': 'Новый получатель',
  'Edit webhook': 'Изменить вебхук',
  'Edit Telegram notifications': 'Изменить уведомления в Telegram',
  'Edit e-mail replies': 'Изменить ответы по e-mail',
  'Edit the Telegram channel': 'Изменить приём обращений из Telegram',
  'Edit e-mail to the team': 'Изменить e-mail команде',
  Kind: 'Тип',
  'Chat id or @channel': 'ID чата или @канал',
  'E-mail address': 'Адрес e-mail',
  "Add the bot to the group first. A group's id starts with -100.":
    'Сначала добавьте бота в группу. ID группы начинается с -100.',
  'Enter the chat id (-1001234567890) or @channelname.':
    'Введите ID чата (-1001234567890) или @имяканала.',
  'Bot token': 'Токен бота',
  'New bot token (optional)': 'Новый токен бота (необязательно)',
  'From @BotFather. Kept like a password: it is never shown again.':
    'Его выдаёт @BotFather. Хранится как пароль: больше он показан не будет.',
  'Empty: the current token (…{hint}) stays.':
    'Если оставить пустым, останется текущий токен (…{hint}).',
  'Paste the token BotFather gave the bot: digits, a colon, then letters.':
    'Вставьте токен, который BotFather выдал боту: цифры, двоеточие, затем буквы.',
  'Show the token': 'Показать токен',
  "Operators' answers in a conversation that began as an offline request are e-mailed to the address the visitor left.":
    'Ответы операторов в разговоре, который начался с офлайн-заявки, отправляются на e-mail, оставленный посетителем.',
  "Private chats with the bot in Telegram become conversations in this inbox; operators' answers go back to the chat. The bot must have no webhook of its own.":
    'Личные чаты с ботом в Telegram становятся разговорами в этом ящике; ответы операторов уходят обратно в чат. У бота не должно быть собственного вебхука.',
  'Language of the messages': 'Язык сообщений',
  "a visitor's, while nobody is assigned": 'от посетителя, пока никто не назначен',
  'escalations only': 'только эскалации',
  'This server cannot send e-mail: SMTP is not configured (SMTP_HOST). Whoever runs the server can set it up.':
    'Этот сервер не может отправлять e-mail: SMTP не настроен (SMTP_HOST). Настроить его может тот, кто обслуживает сервер.',
  'URL that receives the events': 'URL, который получает события',
  'Description (optional)': 'Описание (необязательно)',
  Events: 'События',
  'Select all': 'Выбрать все',
  'Choose at least one event.': 'Выберите хотя бы одно событие.',
  'On: events are sent to it': 'Включён: события отправляются на него',

  // One webhook
  Failing: 'Сбой',
  Disabled: 'Выключен',
  'Failing since {time}:': 'Сбой с {time}:',
  'All events': 'Все события',
  'Waiting to be sent': 'Ждут отправки',
  'Last success': 'Последний успех',
  'Last failure': 'Последний сбой',
  Secret: 'Секрет',
  'Delivery log': 'Журнал доставок',
  'Send test event': 'Отправить тестовое событие',
  'Test event queued': 'Тестовое событие в очереди',
  'Send test message': 'Отправить тестовое сообщение',
  'Test message queued': 'Тестовое сообщение в очереди',
  'Send test e-mail': 'Отправить тестовое письмо',
  'Test e-mail queued': 'Тестовое письмо в очереди',
  'Check the bot': 'Проверить бота',
  'Check queued: the delivery log shows the result':
    'Проверка в очереди: результат будет в журнале доставок',
  "Test e-mail queued: it goes to this server's own sender address":
    'Тестовое письмо в очереди: оно уйдёт на адрес отправителя этого сервера',
  'Rotate secret': 'Сменить секрет',
  'Signing secret': 'Секрет подписи',
  'Copy secret': 'Скопировать секрет',
  'Copy it now: it will not be shown again.': 'Скопируйте его сейчас: больше он показан не будет.',
  'Receivers check the Parley-Signature header of each request with it.':
    'С его помощью получатель проверяет заголовок Parley-Signature каждого запроса.',
  'I have copied it': 'Я скопировал секрет',

  // Rotating and deleting
  'Rotate the signing secret': 'Сменить секрет подписи',
  'A new secret signs the requests to {url} from now on.':
    'С этого момента запросы на {url} подписывает новый секрет.',
  'The old secret signs them too for': 'Старый секрет тоже подписывает их в течение',
  '{n} hours': ['{n} час', '{n} часа', '{n} часов'],
  'So the receiver can switch to the new secret without refusing an event.':
    'Так получатель перейдёт на новый секрет, не отклонив ни одного события.',
  'Delete endpoint': 'Удалить получателя',
  'No more events go to {url}. This cannot be undone.':
    'События больше не будут отправляться на {url}. Это нельзя отменить.',

  // The delivery log
  'All deliveries': 'Все доставки',
  Pending: 'Ожидает',
  Failed: 'Не доставлено',
  Cancelled: 'Отменено',
  Event: 'Событие',
  'Event id': 'ID события',
  Attempts: 'Попытки',
  'HTTP status': 'HTTP-статус',
  'Time taken, ms': 'Время ответа, мс',
  'Response or error': 'Ответ или ошибка',
  'Next attempt': 'Следующая попытка',
  Redeliver: 'Отправить снова',
  'Load older': 'Загрузить более ранние',
  'No deliveries yet.': 'Доставок пока нет.',
}
