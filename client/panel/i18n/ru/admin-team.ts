/** Russian for the panel: admin-team (keys are the English text; see ../../i18n.ts). */
import type { Dictionary } from '../../i18n.ts'

export const RU_ADMIN_TEAM: Dictionary = {
  // Shared words
  Cancel: 'Отмена',
  Edit: 'Изменить',
  Delete: 'Удалить',
  'Edit {name}': 'Изменить {name}',
  'Delete {name}': 'Удалить {name}',
  Name: 'Имя',
  Email: 'E-mail',
  Password: 'Пароль',
  Role: 'Роль',
  Remove: 'Убрать',
  Saved: 'Сохранено',
  'Loading…': 'Загрузка…',
  Operators: 'Операторы',
  'Back to inbox settings': 'Назад к настройкам ящика',
  'Back to the inbox': 'Назад во входящие',

  // Roles and statuses (API values shown in tables)
  operator: 'оператор',
  supervisor: 'супервизор',
  admin: 'администратор',
  online: 'в сети',
  away: 'отошёл',
  busy: 'занят',

  // Routing
  Routing: 'Маршрутизация',
  'Default branch': 'Отдел по умолчанию',
  "New conversations go to the default branch unless a GeoIP rule matches the visitor's location. A rule with a region wins over one for the whole country.":
    'Новые разговоры попадают в отдел по умолчанию, если местоположение посетителя не подходит ни под одно правило GeoIP. Правило с регионом важнее правила для всей страны.',
  'GeoIP rules': 'Правила GeoIP',
  'No rules.': 'Правил нет.',
  Country: 'Страна',
  'Region (optional)': 'Регион (необязательно)',
  Branch: 'Отдел',
  'Add rule': 'Добавить правило',
  'Save routing': 'Сохранить маршрутизацию',

  // Branches
  'No members': 'Нет участников',
  '{n} members': ['{n} участник', '{n} участника', '{n} участников'],
  'Branches of {name}': 'Отделы ящика {name}',
  'Teams of operators with their own working hours. Each conversation belongs to one branch and goes to its members.':
    'Команды операторов со своими рабочими часами. Каждый разговор относится к одному отделу и поступает его участникам.',
  Branches: 'Отделы',
  Default: 'По умолчанию',
  'Add branch': 'Добавить отдел',
  'Edit branch': 'Изменить отдел',
  'New branch': 'Новый отдел',
  'When nobody here can take an escalated chat, pass it to the default branch':
    'Если здесь никто не может принять эскалацию, передавать её в отдел по умолчанию',
  Members: 'Участники',
  'Members also become members of the inbox.': 'Участники отдела становятся и участниками ящика.',
  'Save branch': 'Сохранить отдел',
  'Delete branch?': 'Удалить отдел?',
  '{name} will be deleted. Its conversations move to the default branch, {defaultName}, and GeoIP rules that send visitors to it are removed.':
    'Отдел {name} будет удалён. Его разговоры перейдут в отдел по умолчанию ({defaultName}), а правила GeoIP, направляющие в него посетителей, будут удалены.',
  'Delete branch': 'Удалить отдел',

  // Operators
  'Shown to visitors': 'Имя для посетителей',
  'Can chat': 'Ведёт чаты',
  Active: 'Активен',
  '(first name)': '(имя)',
  'Edit profile of {email}': 'Изменить профиль {email}',
  'Edit…': 'Изменить…',
  'Role of {email}': 'Роль {email}',
  '{email} can chat': '{email} ведёт чаты',
  Deactivate: 'Отключить',
  Activate: 'Включить',
  'Enter a name.': 'Введите имя.',
  'Use at most 100 characters.': 'Не более 100 символов.',
  'Use at most 50 characters.': 'Не более 50 символов.',
  'Enter an email address like name@example.com.':
    'Введите адрес e-mail, например name@example.com.',
  'Use at least 10 characters.': 'Не менее 10 символов.',
  'Add operator': 'Добавить оператора',
  'Shown to visitors as (optional)': 'Имя для посетителей (необязательно)',
  'Empty: the first word of the name. A picture can be added once the operator exists.':
    'Если пусто — первое слово имени. Фото можно добавить после создания оператора.',
  'Password (10+ characters)': 'Пароль (от 10 символов)',
  'Create operator': 'Создать оператора',

  // Overview
  'under a minute': 'меньше минуты',
  '{n} min': '{n} мин',
  '{h} h {m} min': '{h} ч {m} мин',
  Overview: 'Обзор',
  'Updated {time}': 'Обновлено в {time}',
  Refresh: 'Обновить',
  'No inboxes to show.': 'Нет ящиков для показа.',
  'Only the first inboxes are shown.': 'Показаны только первые ящики.',
  Queue: 'Очередь',
  '(closed now)': '(сейчас закрыт)',
  Waiting: 'Ждут',
  'Longest wait': 'Дольше всех ждёт',
  Unanswered: 'Без ответа',
  'Nobody yet.': 'Пока никого.',
  connected: 'подключён',
  'not connected': 'не подключён',
  '{n} open': ['{n} открытый', '{n} открытых', '{n} открытых'],
  '{n} open of {max}': ['{n} открытый из {max}', '{n} открытых из {max}', '{n} открытых из {max}'],
  'cannot chat': 'не ведёт чаты',
  'Hide open conversations': 'Скрыть открытые разговоры',
  'Show open conversations': 'Показать открытые разговоры',
  'of {name}': 'оператора {name}',
  'None now.': 'Сейчас нет.',
  'waiting for a reply': 'ждёт ответа',

  // Setup
  'paste the setup code from the server log': 'вставьте код настройки из журнала сервера',
  'enter your name': 'введите своё имя',
  'enter an email address': 'введите адрес e-mail',
  'use at least 10 characters': 'не менее 10 символов',
  'the two passwords differ': 'пароли не совпадают',
  'Welcome to Parley': 'Добро пожаловать в Parley',
  'Create the first admin. The setup code is in the server log, in the line that starts with “no admin yet”.':
    'Создайте первого администратора. Код настройки — в журнале сервера, в строке, которая начинается с «no admin yet».',
  'Setup code': 'Код настройки',
  'Your name': 'Ваше имя',
  'Repeat the password': 'Повторите пароль',
  'Create the admin and sign in': 'Создать администратора и войти',

  // Canned replies
  'My canned replies': 'Мои шаблоны ответов',
  'Canned replies of {name}': 'Шаблоны ответов ящика {name}',
  'Shared by every operator of this inbox.': 'Общие для всех операторов этого ящика.',
  'Yours alone, in every inbox.': 'Только ваши, во всех ящиках.',
  'Type / in a reply to pick one.': 'Чтобы выбрать шаблон, введите / в ответе.',
  'New reply': 'Новый шаблон',
  'No canned replies yet.': 'Шаблонов ответов пока нет.',
  'Canned replies': 'Шаблоны ответов',
  'Edit /{shortcut}': 'Изменить /{shortcut}',
  'Delete /{shortcut}': 'Удалить /{shortcut}',
  'Delete /{shortcut}?': 'Удалить /{shortcut}?',
  'The reply {title} will be deleted for every operator of this inbox.':
    'Шаблон {title} будет удалён для всех операторов этого ящика.',
  'The reply {title} will be deleted.': 'Шаблон {title} будет удалён.',
  'Delete reply': 'Удалить шаблон',
  'Use 1 to 32 letters, digits, - or _ (no spaces), starting with a letter or digit.':
    'От 1 до 32 латинских букв, цифр, - или _ (без пробелов), первой — буква или цифра.',
  'Give the reply a title.': 'Дайте шаблону название.',
  'Keep the title to 100 characters.': 'Название — не более 100 символов.',
  'Write the text of the reply.': 'Напишите текст шаблона.',
  'The text is {n} characters long; at most {max}.':
    'Текст слишком длинный ({n}); можно не более {max} символов.',
  'Edit canned reply': 'Изменить шаблон ответа',
  'New canned reply': 'Новый шаблон ответа',
  Shortcut: 'Сокращение',
  'Type / and the shortcut in a reply to insert it.':
    'Введите в ответе / и сокращение, чтобы вставить шаблон.',
  Title: 'Название',
  Text: 'Текст',
  '{visitor.name} and {operator.name} are filled in when the reply is inserted.':
    '{visitor.name} и {operator.name} подставляются при вставке шаблона.',
  'Save reply': 'Сохранить шаблон',
  'Another reply here already uses this shortcut.': 'Это сокращение уже занято другим шаблоном.',
}
