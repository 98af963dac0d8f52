/** Russian for the panel: admin-webhooks (keys are the English text; see ../../i18n.ts). */
import type { Dictionary } from '../../i18n.ts'

export const RU_ADMIN_WEBHOOKS: Dictionary = {
  Webhooks: 'Вебхуки',
  'Webhooks of {name}': 'Вебхуки: {name}',
  "Parley posts this inbox's events to these URLs, signed, and retries a failed delivery for 24 hours.":
    'Parley отправляет события этого ящика на эти URL с подписью и повторяет неудачную доставку в течение 24 часов.',
  'No webhooks yet.': 'Вебхуков пока нет.',
  'Add webhook': 'Добавить вебхук',

  // The form
  'New webhook': 'Новый вебхук',
  'Edit webhook': 'Изменить вебхук',
  'URL that receives the events': 'URL, который получает события',
  'Description (optional)': 'Описание (необязательно)',
  Events: 'События',
  'Select all': 'Выбрать все',
  'Choose at least one event.': 'Выберите хотя бы одно событие.',
  'On: events are sent to it': 'Включён: события отправляются на него',
  'Save webhook': 'Сохранить вебхук',

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
  '{n} hours': ['{n} часа', '{n} часов', '{n} часов'],
  'So the receiver can switch to the new secret without refusing an event.':
    'Так получатель перейдёт на новый секрет, не отклонив ни одного события.',
  'Delete webhook': 'Удалить вебхук',
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
