/** Russian for the panel: priority and labels (issue 20; keys are the English text, ../../i18n.ts). */
import type { Dictionary } from '../../i18n.ts'

export const RU_LABELS: Dictionary = {
  // labels.ts, ConversationTags, InboxRow, ListFilters
  Priority: 'Приоритет',
  Urgent: 'Срочный',
  High: 'Высокий',
  Normal: 'Обычный',
  Low: 'Низкий',
  Labels: 'Метки',
  Label: 'Метка',
  'Any label': 'Любая метка',
  'Any priority': 'Любой приоритет',
  'Most urgent': 'Сначала срочные',
  'Remove label {name}': 'Убрать метку {name}',

  // LabelPicker
  'Add label': 'Добавить метку',
  'Find a label': 'Найти метку',
  'No labels to add.': 'Нет меток, которые можно добавить.',

  // Thread lines: activity.ts
  System: 'Система',
  '(deleted)': '(удалена)',
  '{name} set priority to {priority}': 'Приоритет: {priority} ({name})',
  '{name} added labels {labels}': [
    'Добавлена метка {labels} ({name})',
    'Добавлены метки {labels} ({name})',
    'Добавлены метки {labels} ({name})',
  ],
  '{name} removed labels {labels}': [
    'Убрана метка {labels} ({name})',
    'Убраны метки {labels} ({name})',
    'Убраны метки {labels} ({name})',
  ],
  '{name} added {added} and removed {removed}':
    'Метки: добавлено {added}, убрано {removed} ({name})',

  // LabelSettings, LabelForm
  'Operators put labels on conversations and filter the list by them.':
    'Операторы отмечают метками разговоры и фильтруют по ним список.',
  'New label': 'Новая метка',
  Color: 'Цвет',
  'Another label of this inbox has this name.': 'В этом ящике уже есть метка с таким названием.',
  'Delete the label {name}?': 'Удалить метку {name}?',
  'Delete label': 'Удалить метку',
  'It is removed from every conversation that has it.': 'Она будет снята со всех разговоров.',
  // AuditLog
  'Added a label': 'Добавил метку',
  'Changed a label': 'Изменил метку',
  'Deleted a label': 'Удалил метку',
}
