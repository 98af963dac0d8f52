/**
 * Russian for the panel: custom attributes (issue 20; keys are the English text, ../../i18n.ts).
 */
import type { Dictionary } from '../../i18n.ts'

export const RU_ATTRIBUTES: Dictionary = {
  // attribute-defs.ts: the types
  Number: 'Число',
  List: 'Список',
  Checkbox: 'Флажок',
  Link: 'Ссылка',

  // Attributes, AttributeForm
  'Typed details of visitors and conversations: operators fill them in the sidebar, the list filters by them, rules test them.':
    'Сведения о посетителях и разговорах заданного типа: операторы заполняют их на боковой панели, список фильтруется по ним, правила их проверяют.',
  'New attribute': 'Новый атрибут',
  'Delete the attribute {name}?': 'Удалить атрибут «{name}»?',
  'Delete attribute': 'Удалить атрибут',
  'Its values are removed from every conversation and visitor that has one.':
    'Его значения будут удалены у всех разговоров и посетителей.',
  'Another attribute of this inbox has this key.': 'В этом ящике уже есть атрибут с таким ключом.',
  'Applies to': 'Относится к',
  'a-z, 0-9 and _; it cannot change later': 'a-z, 0-9 и _; потом его не изменить',
  'Choices, one a line': 'Варианты, по одному в строке',
  'Add attribute': 'Добавить атрибут',

  // AttributeSection, AttributeField, VisitorBody
  'Conversation attributes': 'Атрибуты разговора',
  'Not set': 'Не задано',
  'Enter a number.': 'Введите число.',
  'Clear {name}': 'Очистить «{name}»',
  Clear: 'Очистить',

  // Thread lines: activity.ts
  '{attribute} to {value}': '«{attribute}» теперь {value}',
  '{name} set {changes}': 'Изменено: {changes} ({name})',
  '{name} removed {attributes}': 'Очищено: {attributes} ({name})',
  '{name} set {changes} and removed {attributes}':
    'Изменено: {changes}; очищено: {attributes} ({name})',

  // ListFilters
  Attribute: 'Атрибут',
  'Any attribute': 'Любой атрибут',
  '{name} is': '{name}: значение',
  'Any value': 'Любое значение',

  // rule-words.ts, RuleAttributeCondition
  'is greater than': 'больше',
  'is less than': 'меньше',
  'is set': 'задан',
  'is not set': 'не задан',
  'Condition {n} attribute': 'Атрибут условия {n}',
  'Choose an attribute': 'Выберите атрибут',
  // RuleAttribute: a rule's "Set an attribute" action
  'Set an attribute': 'Задать атрибут',
  'Action {n}: choose an attribute.': 'Действие {n}: выберите атрибут.',
  'This inbox has no conversation attributes yet.': 'У этого ящика пока нет атрибутов разговора.',
  'Clear it': 'Очистить',
}
