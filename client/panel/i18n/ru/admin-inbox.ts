/** Russian for the panel: admin-inbox (keys are the English text; see ../../i18n.ts). */
import type { Dictionary } from '../../i18n.ts'

export const RU_ADMIN_INBOX: Dictionary = {
  // Shared words
  Name: 'Имя',
  'E-mail': 'E-mail',
  Phone: 'Телефон',
  English: 'Английский',
  Russian: 'Русский',
  Off: 'Выкл.',
  On: 'Вкл.',
  Save: 'Сохранить',
  Saved: 'Сохранено',
  Required: 'Обязательное',
  Type: 'Тип',
  Text: 'Текст',
  Key: 'Ключ',
  Date: 'Дата',
  Language: 'Язык',
  Preview: 'Предпросмотр',
  Copied: 'Скопировано',
  'Move up': 'Переместить вверх',
  'Move down': 'Переместить вниз',
  'Branches and routing': 'Отделы и маршрутизация',
  'Canned replies': 'Шаблоны ответов',

  'Close resolved conversations after (days without activity, 0 = never)':
    'Закрывать решённые разговоры через (дней без активности, 0 — никогда)',
  'Visitor checks (CAPTCHA)': 'Проверка посетителей (CAPTCHA)',
  "A visitor asked to prove themselves waits while their browser solves a small puzzle, a few seconds at most; no one types anything. Past a limit below the check gets harder as the count doubles. Addresses are the visitor's as the proxy names them.":
    'Посетитель, которого попросили подтвердить, что он человек, ждёт, пока его браузер решит небольшую задачу, — не дольше нескольких секунд; вводить ничего не нужно. После превышения порога ниже проверка усложняется с каждым удвоением счёта. Адреса — это адреса посетителей, как их передаёт прокси.',
  'Ask for a check': 'Когда проверять',
  'When behaviour looks like abuse': 'Когда поведение похоже на злоупотребление',
  'Also before every new conversation': 'Также перед каждым новым разговором',
  Never: 'Никогда',
  'New visitors from one address in 10 minutes': 'Новых посетителей с одного адреса за 10 минут',
  'New conversations from one address in 10 minutes':
    'Новых разговоров с одного адреса за 10 минут',
  "A visitor's messages in a minute": 'Сообщений посетителя в минуту',
  'Erase the content of closed conversations after (days, 0 = never)':
    'Удалять содержимое закрытых разговоров через (дней, 0 — никогда)',

  // SitesEditor
  'Where the widget runs': 'Где работает виджет',
  'Not chosen yet: the widget runs on no website until you choose.':
    'Пока не выбрано: виджет не работает ни на одном сайте, пока вы не выберете.',
  'Only on these sites': 'Только на этих сайтах',
  'Sites, one per line': 'Сайты, по одному в строке',
  'A site is its address without a path: https://shop.example.com. https://*.example.com stands for every subdomain of example.com. Other sites cannot show the widget or open a chat.':
    'Сайт — это адрес без пути: https://shop.example.com. https://*.example.com означает все поддомены example.com. Другие сайты не могут ни показать виджет, ни начать чат.',
  'On any website': 'На любом сайте',
  'name at least one site, or choose "On any website"':
    'укажите хотя бы один сайт или выберите «На любом сайте»',

  // InboxSettings, InboxForm
  'Inbox settings': 'Настройки ящиков',
  'Escalation after (minutes)': 'Эскалация через (минут)',
  'Open conversations per operator (0 = no limit)':
    'Открытых разговоров на оператора (0 — без ограничений)',
  'Visitor messages per minute': 'Сообщений посетителя в минуту',
  '1-5 stars': '1-5 звёзд',
  'Thumbs up or down': 'Палец вверх или вниз',
  'NPS 0-10': 'NPS 0-10',
  "The inbox's e-mail address (optional)": 'E-mail ящика (необязательно)',
  'Mail to this address becomes conversations; answers go out with it as Reply-To.':
    'Письма на этот адрес становятся разговорами; ответы уходят с ним в Reply-To.',
  'Ratings after resolve': 'Оценка после решения',
  'Once a conversation is resolved or closed, the widget asks the visitor to rate it; their rating shows in the conversation.':
    'Когда разговор решён или закрыт, виджет просит посетителя оценить его; оценка видна в разговоре.',
  "Members (operators who get this inbox's conversations)":
    'Участники (операторы, которые получают разговоры этого ящика)',

  // PreChatEditor
  'Before the first message': 'Перед первым сообщением',
  'In the thread after the first message': 'В переписке после первого сообщения',
  'Field moved to position {position} of {count}.':
    'Поле перемещено на позицию {position} из {count}.',
  'Pre-chat form': 'Анкета перед чатом',
  'Show the form': 'Показывать анкету',
  "Before the first message, the visitor cannot start until the required fields are filled. The answers show in the conversation's details.":
    'Если анкета перед первым сообщением, посетитель не начнёт чат, пока не заполнит обязательные поля. Ответы видны в сведениях о разговоре.',
  'No fields.': 'Полей нет.',
  'Field {number}': 'Поле {number}',
  'Asks for': 'Запрашивает',
  'Other (an attribute)': 'Другое (атрибут)',
  'Type: email': 'Тип: e-mail',
  'Type: phone': 'Тип: телефон',
  'Type: text': 'Тип: текст',
  'a-z, 0-9 or _, starting with a letter': 'a-z, 0-9 или _, начиная с буквы',
  'Choice from a list': 'Выбор из списка',
  'English label': 'Подпись на английском',
  'Russian label': 'Подпись на русском',
  'Options (one per line)': 'Варианты (по одному в строке)',
  'At most {max}, each up to 100 characters.':
    'Вариантов — не больше {max}, каждый до 100 символов.',
  'Move field {number} up': 'Переместить поле {number} вверх',
  'Move field {number} down': 'Переместить поле {number} вниз',
  'Remove field {number}': 'Удалить поле {number}',
  'Remove this field': 'Удалить это поле',
  'Add field': 'Добавить поле',
  'At most {max} fields.': 'Полей — не больше {max}.',

  // AppearanceEditor
  "Follow the site's page, then the browser": 'Как на странице сайта, иначе как в браузере',
  'White text on it: {ratio}:1, readable (WCAG AA needs {aa}:1).':
    'Белый текст на нём: {ratio}:1, читается (WCAG AA требует {aa}:1).',
  'White text on it: {ratio}:1, too faint: WCAG AA needs {aa}:1. Pick a darker color.':
    'Белый текст на нём: {ratio}:1, слишком бледно: WCAG AA требует {aa}:1. Выберите цвет темнее.',
  'Widget appearance': 'Внешний вид виджета',
  "Title (empty: the inbox's name)": 'Заголовок (пусто — название ящика)',
  'Accent color': 'Акцентный цвет',
  'Pick the accent color': 'Выбрать акцентный цвет',
  'Write the color as #rrggbb, e.g. #4f46e5.': 'Укажите цвет в виде #rrggbb, например #4f46e5.',
  Corner: 'Угол',
  'Bottom right': 'Снизу справа',
  'Bottom left': 'Снизу слева',
  'Launcher label (empty: the icon alone)': 'Надпись на кнопке чата (пусто — только значок)',
  'Show the typical reply time': 'Показывать обычное время ответа',
  'Show visitors their place in line': 'Показывать посетителям их место в очереди',
  'The greeting and the text shown while nobody is online are set per branch, under Branches and routing, in its automatic replies.':
    'Приветствие и текст на время, когда никого нет в сети, задаются для каждого отдела в разделе «Отделы и маршрутизация», в его автоответах.',
  'Show in Russian': 'Показать на русском',
  'Show in English': 'Показать на английском',
  'Light theme': 'Светлая тема',
  'Dark theme': 'Тёмная тема',

  // EmbedCode
  'Selected: press Ctrl+C (⌘C) to copy': 'Выделено: нажмите Ctrl+C (⌘C), чтобы скопировать',
  'Make a new identity secret? Signed-in users stay anonymous in the widget until your site signs with the new one.':
    'Создать новый секрет идентификации? Авторизованные пользователи будут анонимны в виджете, пока ваш сайт не начнёт подписывать новым секретом.',
  'Put the widget on your site': 'Установите виджет на сайт',
  'Paste this before the closing </body> tag of every page that shows the chat.':
    'Вставьте этот код перед закрывающим тегом </body> на каждой странице, где нужен чат.',
  Snippet: 'Код для сайта',
  'Copy snippet': 'Скопировать код',
  'Signed-in users': 'Авторизованные пользователи',
  "To show a signed-in user their conversations on any device, your server signs the user's id with this inbox's identity secret. Keep the secret on your server only.":
    'Чтобы авторизованный пользователь видел свои разговоры на любом устройстве, ваш сервер подписывает его ID секретом идентификации этого ящика. Храните секрет только на сервере.',
  'Show identity secret': 'Показать секрет идентификации',
  'Identity secret': 'Секрет идентификации',
  'Copy identity secret': 'Скопировать секрет',
  'Make a new secret': 'Создать новый секрет',
  'Signing code': 'Код подписи',
  'Copy signing code': 'Скопировать код подписи',

  // AutoReplies
  Greeting: 'Приветствие',
  'Shown by the widget before the first message; not stored in the conversation.':
    'Виджет показывает его до первого сообщения; в разговоре не сохраняется.',
  'First reply': 'Первый ответ',
  "Sent after a new conversation's first message while the branch is online or busy.":
    'Отправляется после первого сообщения нового разговора, когда отдел в сети или занят.',
  'Offline reply': 'Ответ вне сети',
  "Sent after a new conversation's first message, or an offline request, while the branch is offline.":
    'Отправляется после первого сообщения нового разговора или офлайн-заявки, когда отдел не в сети.',
  'Waiting reply': 'Ответ при ожидании',
  'Sent once when a visitor has waited this long for an answer, within working hours.':
    'Отправляется один раз, когда посетитель ждёт ответа столько времени в рабочие часы.',
  'Automatic replies': 'Автоответы',
  "Each in English and Russian; the visitor gets the widget's language.":
    'Каждый на английском и русском; посетитель получает текст на языке виджета.',
  'After (minutes)': 'Через (минут)',
  'Offline text': 'Текст вне сети',
  "The widget's line while the branch is offline. Empty: its own words.":
    'Строка виджета, пока отдел не в сети. Пусто — стандартный текст виджета.',

  // ScheduleEditor, HoursEditor, schedule.ts
  'Working hours': 'Рабочие часы',
  'Time zone': 'Часовой пояс',
  'Always open (every day, all day)': 'Всегда открыто (каждый день, круглосуточно)',
  'A day without hours is closed. An end of 00:00 is midnight, the end of the day.':
    'День без часов — выходной. Конец в 00:00 — это полночь, конец дня.',
  'Exceptions (holidays and other special days)': 'Исключения (праздники и другие особые дни)',
  'New exception': 'Новое исключение',
  Hours: 'Часы',
  'Note (optional)': 'Примечание (необязательно)',
  'Remove exception': 'Удалить исключение',
  'Add exception': 'Добавить исключение',
  From: 'С',
  To: 'До',
  'Remove {from}-{to}': 'Удалить {from}-{to}',
  'Remove these hours': 'Удалить эти часы',
  Closed: 'Закрыт',
  'Add hours': 'Добавить часы',
  'Always open': 'Всегда открыто',
  '{n} exceptions': ['{n} исключение', '{n} исключения', '{n} исключений'],
  and: 'и',
  'Closed every day': 'Закрыто каждый день',
}
