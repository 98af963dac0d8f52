/**
 * Russian for the panel: Web Push on this browser (issue 20; keys are the English text,
 * ../../i18n.ts). Not a part of ../ru.ts: it travels with the push section's on-demand chunk
 * (see ../../push-text.ts).
 */
import type { Dictionary } from '../../i18n.ts'

export const RU_PUSH: Dictionary = {
  // components/Push.tsx
  'Push notifications on this browser': 'Push-уведомления в этом браузере',
  'Pushes reach this browser even while Parley is closed: new conversations, conversations given to you, mentions, missed SLA deadlines and messages in your conversations. None while you are busy.':
    'Push-уведомления приходят в этот браузер, даже когда Parley закрыт: новые разговоры, разговоры, переданные вам, упоминания, нарушенные сроки SLA и сообщения в ваших разговорах. Пока ваш статус «Занят», их нет.',
  'Checking this browser…': 'Проверяем этот браузер…',
  'This browser cannot get pushes: it has no Web Push, or the panel is not opened over https.':
    'Этот браузер не может получать push-уведомления: в нём нет Web Push или панель открыта не по https.',
  'Off: alerts reach you here only while Parley is open.':
    'Выключены: уведомления приходят сюда, только пока Parley открыт.',
  'On: this browser gets pushes even while Parley is closed.':
    'Включены: этот браузер получает push-уведомления, даже когда Parley закрыт.',
  'Turn on': 'Включить',
  'Turn off': 'Выключить',
  'Send a test': 'Отправить тестовое уведомление',
  'A test push is on its way to each of your browsers.':
    'Тестовое уведомление отправлено во все ваши браузеры.',
  'Notifications were not allowed, so pushes stay off.':
    'Уведомления не разрешены, поэтому push-уведомления остаются выключенными.',
  "This browser could not subscribe to its push service ({detail}), so pushes can't be turned on here. Alerts still work while Parley is open.":
    'Браузер не смог подписаться на свой push-сервис ({detail}), поэтому здесь push-уведомления не включить. Пока Parley открыт, уведомления работают как обычно.',
  "This browser's push service did not answer, so pushes can't be turned on here. Alerts still work while Parley is open.":
    'Push-сервис браузера не ответил, поэтому здесь push-уведомления не включить. Пока Parley открыт, уведомления работают как обычно.',
  'Waiting for this browser and its push service…': 'Ждём ответа браузера и его push-сервиса…',
  'Your browsers with pushes': 'Ваши браузеры с push-уведомлениями',
  'None yet.': 'Пока ни одного.',
  'added {date}': 'добавлен {date}',
  'this browser': 'этот браузер',
  Remove: 'Удалить',
  'Remove {browser}, added {date}': 'Удалить {browser}, добавлен {date}',
  // components/QuietHours.tsx
  'Quiet hours': 'Тихие часы',
  'Pause pushes at night': 'Не присылать push-уведомления ночью',
  'For all your browsers; a test push still comes, and so do the alerts of an open Parley.':
    'Для всех ваших браузеров; тестовое уведомление всё равно придёт, как и оповещения открытого Parley.',
  'Times in {zone}.': 'Время указано для часового пояса {zone}.',
  "Use this browser's time zone ({zone})": 'Взять часовой пояс этого браузера ({zone})',
  'Quiet hours must start and end at different times.':
    'Начало и конец тихих часов должны различаться.',
  'Saved.': 'Сохранено.',
  'Off: pushes come at any hour.': 'Выключены: push-уведомления приходят в любое время.',
}
