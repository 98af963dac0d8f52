/**
 * Russian for the panel: SLA policies (issue 20; keys are the English text, ../../i18n.ts).
 */
import type { Dictionary } from '../../i18n.ts'

export const RU_SLA: Dictionary = {
  // InboxRow: the list's badge
  'SLA breached': 'SLA нарушен',
  'SLA {time}': 'SLA: ещё {time}',
  ', at risk': ', под угрозой',

  // sla/policies.ts, SlaDetails, SlaLineItem, SlaToast
  'First response': 'Первый ответ',
  'Next response': 'Следующий ответ',
  Resolution: 'Решение',
  'conversation|SLA': 'SLA',
  'No SLA': 'Без SLA',
  '{kind} in {time}': '{kind}: через {time}',
  '{kind} breached {time} ago': '{kind}: срок истёк {time} назад',
  'SLA breached: {kind}': 'SLA нарушен: {kind}',
  '{name} applied SLA {policy}': '{name}: применён SLA «{policy}»',
  '{name} removed the SLA': '{name}: SLA снят',

  // SlaPolicies, SlaPolicyForm
  'SLA policies': 'Политики SLA',
  'Targets for the first response, each next response and the resolution. Operators or rules apply a policy to a conversation; a missed deadline alerts its assignee.':
    'Сроки первого ответа, каждого следующего ответа и решения. Политику применяют к разговору операторы или правила; о пропущенном сроке узнаёт ответственный.',
  'business hours': 'рабочие часы',
  'New SLA policy': 'Новая политика SLA',
  'Delete the SLA policy {name}?': 'Удалить политику SLA «{name}»?',
  'Delete policy': 'Удалить политику',
  'Conversations under it keep the deadlines it gave them.':
    'У разговоров с этой политикой останутся назначенные сроки.',
  minutes: 'минут',
  hours: 'часов',
  days: 'дней',
  '{target}: unit': '{target}: единица',
  'Set at least one target.': 'Задайте хотя бы один срок.',
  'Count business hours only': 'Считать только рабочие часы',
  'Add policy': 'Добавить политику',

  // RuleSla
  'Apply an SLA policy': 'Применить политику SLA',
  'SLA policy': 'Политика SLA',
  'Choose a policy': 'Выберите политику',
  'This inbox has no SLA policies yet.': 'В этом ящике пока нет политик SLA.',
  'Action {n}: choose an SLA policy.': 'Действие {n}: выберите политику SLA.',
}
