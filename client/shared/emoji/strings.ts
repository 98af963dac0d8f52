/** The emoji picker's words in the client's two languages (a lazy chunk's own). */
import type { EmojiLang } from './catalog.ts'

const en = {
  dialog: 'Emoji',
  search: 'Search emoji',
  categories: 'Emoji categories',
  recent: 'Recently used',
  results: 'Search results',
  none: 'No emoji found',
  loading: 'Loading emoji…',
  failed: 'Emoji could not be loaded',
  tone: 'Skin tone',
  tones: ['Default', 'Light', 'Medium-light', 'Medium', 'Medium-dark', 'Dark'],
  suggestions: 'Emoji suggestions',
  groups: {
    0: 'Smileys & emotion',
    1: 'People & body',
    3: 'Animals & nature',
    4: 'Food & drink',
    5: 'Travel & places',
    6: 'Activities',
    7: 'Objects',
    8: 'Symbols',
    9: 'Flags',
  } as Record<number, string>,
}

export type EmojiStrings = typeof en

const ru: EmojiStrings = {
  dialog: 'Эмодзи',
  search: 'Поиск эмодзи',
  categories: 'Категории эмодзи',
  recent: 'Недавние',
  results: 'Результаты поиска',
  none: 'Ничего не нашлось',
  loading: 'Загружаем эмодзи…',
  failed: 'Не удалось загрузить эмодзи',
  tone: 'Тон кожи',
  tones: ['Обычный', 'Светлый', 'Умеренно светлый', 'Средний', 'Умеренно тёмный', 'Тёмный'],
  suggestions: 'Подходящие эмодзи',
  groups: {
    0: 'Смайлики и эмоции',
    1: 'Люди и тело',
    3: 'Животные и природа',
    4: 'Еда и напитки',
    5: 'Путешествия и места',
    6: 'Занятия',
    7: 'Предметы',
    8: 'Символы',
    9: 'Флаги',
  },
}

export function emojiStrings(lang: EmojiLang): EmojiStrings {
  return lang === 'ru' ? ru : en
}
