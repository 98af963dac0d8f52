/**
 * Russian for the help center's panel parts (issue 21; keys are the English text, see
 * ../../i18n.ts). Not a part of ../ru.ts: it travels with the help center's on-demand chunks
 * (../../help/HelpApi.ts `th`), as the Web Push section's does; the panel's Russian chunk has
 * no room left for it. tests/browser/panel-help.test.ts checks that every key is translated.
 */
import type { Dictionary } from '../../i18n.ts'

export const RU_HELP: Dictionary = {
  // help/HelpApi.ts
  Draft: 'Черновик',
  Published: 'Опубликована',
  Archived: 'В архиве',
  English: 'Английский',
  Russian: 'Русский',
  'No connection right now. Please try again in a moment.':
    'Сейчас нет связи. Попробуйте ещё раз чуть позже.',
  // components/Help.tsx
  'Help center': 'Центр помощи',
  'Articles visitors read on the help site and in the widget; operators link them in replies.':
    'Статьи, которые посетители читают на сайте помощи и в виджете; операторы ссылаются на них в ответах.',
  Portal: 'Портал',
  'Shared (every inbox)': 'Общий (для всех каналов)',
  Categories: 'Категории',
  'No categories yet.': 'Категорий пока нет.',
  'Move {name} up': 'Переместить «{name}» выше',
  'Move {name} down': 'Переместить «{name}» ниже',
  'Rename {name}': 'Переименовать «{name}»',
  Rename: 'Переименовать',
  'Delete {name}': 'Удалить «{name}»',
  Delete: 'Удалить',
  Save: 'Сохранить',
  'Add category': 'Добавить категорию',
  Articles: 'Статьи',
  Language: 'Язык',
  All: 'Все',
  Status: 'Статус',
  'New article': 'Новая статья',
  'No articles here yet.': 'Статей здесь пока нет.',
  'Updated {time}': 'Изменена {time}',
  'Delete the category {name}?': 'Удалить категорию «{name}»?',
  'Delete category': 'Удалить категорию',
  'Its articles stay, without a category.': 'Её статьи останутся, без категории.',
  'Name in English': 'Название по-английски',
  'Name in Russian': 'Название по-русски',
  Cancel: 'Отмена',
  // components/HelpEditor.tsx
  Someone: 'Кто-то',
  'Back to articles': 'Назад к статьям',
  'Edit article': 'Правка статьи',
  'Saving…': 'Сохранение…',
  Saved: 'Сохранено',
  'Changed elsewhere — reload': 'Статью изменили в другом месте — загрузите её заново',
  Reload: 'Загрузить заново',
  Title: 'Заголовок',
  Slug: 'Адрес (slug)',
  Category: 'Категория',
  'No category': 'Без категории',
  'Public address:': 'Публичный адрес:',
  'Article (Markdown)': 'Статья (Markdown)',
  Preview: 'Предпросмотр',
  'Insert image': 'Вставить изображение',
  'Uploading image…': 'Загрузка изображения…',
  Translations: 'Переводы',
  'Translate to Russian': 'Перевести на русский',
  'Translate to English': 'Перевести на английский',
  Revisions: 'Версии',
  'Hide revisions': 'Скрыть версии',
  'Show revisions': 'Показать версии',
  'Revision {n}': 'Версия {n}',
  'View revision {n}': 'Посмотреть версию {n}',
  View: 'Посмотреть',
  'Restore revision {n}': 'Восстановить версию {n}',
  Restore: 'Восстановить',
  'Restore revision {n}?': 'Восстановить версию {n}?',
  'The title, text, slug and category become that revision’s again, as a new revision. The status stays.':
    'Заголовок, текст, адрес и категория станут такими, как в той версии, — это будет новая версия. Статус не изменится.',
  // components/HelpLink.tsx, Composer.tsx
  'Search help articles': 'Поиск по статьям помощи',
  '{n} articles found': 'Найдено статей: {n}',
  'No articles found.': 'Статьи не найдены.',
  Close: 'Закрыть',
}
