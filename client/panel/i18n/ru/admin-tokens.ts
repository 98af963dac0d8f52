/** Russian for the panel: admin-tokens (keys are the English text; see ../../i18n.ts). */
import type { Dictionary } from '../../i18n.ts'

export const RU_ADMIN_TOKENS: Dictionary = {
  'Integrations send a token in the Authorization header (Bearer) of each API request. A token can do what its operator may, within its access.':
    'Интеграции передают токен в заголовке Authorization (Bearer) каждого запроса к API. Токен может то же, что его оператор, в пределах своего доступа.',
  'New token': 'Новый токен',
  'No API tokens yet.': 'API-токенов пока нет.',

  // The list
  'token|Name': 'Название',
  Access: 'Доступ',
  Token: 'Токен',
  'Acts as': 'Действует от имени',
  Created: 'Создан',
  'Last used': 'Последнее использование',
  Expires: 'Истекает',
  Actions: 'Действия',
  Expired: 'Истёк',
  Revoked: 'Отозван',
  Revoke: 'Отозвать',

  // The secret, shown once
  'Token “{name}” created': 'Токен «{name}» создан',
  'Copy token': 'Скопировать токен',

  // The form
  'New API token': 'Новый API-токен',
  'token|Enter a name.': 'Введите название.',
  'Read only': 'Только чтение',
  'Read and write conversations': 'Чтение и запись в разговорах',
  'Full admin access': 'Полный доступ администратора',
  'Sees conversations, messages and visitors; changes nothing.':
    'Видит разговоры, сообщения и посетителей; ничего не меняет.',
  'Also replies to, assigns and closes conversations; no admin settings.':
    'Также отвечает в разговорах, назначает и закрывает их; без настроек администратора.',
  'Everything its operator can do, the admin settings included.':
    'Всё, что может его оператор, включая настройки администратора.',
  'The token can never do more than this operator may.':
    'Токен никогда не может больше, чем этот оператор.',
  'In {n} days': ['Через {n} день', 'Через {n} дня', 'Через {n} дней'],
  'Create token': 'Создать токен',

  // Revoking
  'Revoke token': 'Отозвать токен',
  'Requests with “{name}” ({prefix}…) are refused from now on. This cannot be undone.':
    'Запросы с токеном «{name}» ({prefix}…) с этого момента отклоняются. Это нельзя отменить.',
}
