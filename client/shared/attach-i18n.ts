/** The words around files (composer, thread, lightbox), in the client's two languages. */
import type { ErrorCode } from './protocol.ts'

const en = {
  lang: 'en' as 'en' | 'ru',
  attach: 'Attach files',
  files: 'Files to send',
  remove: (name: string) => `Remove ${name}`,
  uploading: (name: string) => `Uploading ${name}`,
  waiting: 'Waiting for connection…',
  tooMany: 'At most 10 files per message',
  drop: 'Drop files to attach',
  unavailable: 'File unavailable',
  open: (name: string) => `Open image ${name}`,
  download: 'Download',
  close: 'Close',
  prev: 'Previous image',
  next: 'Next image',
  of: (i: number, n: number) => `${i} of ${n}`,
  errors: {
    payload_too_large: 'File is too large',
    unsupported_media_type: 'This file type is not allowed',
    validation_failed: 'The file is empty or cannot be read',
    conflict: 'The conversation is closed',
    rate_limited: 'Too many files at once, try again shortly',
    other: 'Upload failed',
  },
}

export type AttachStrings = typeof en

const ru: AttachStrings = {
  lang: 'ru',
  attach: 'Прикрепить файлы',
  files: 'Файлы к отправке',
  remove: (name) => `Убрать ${name}`,
  uploading: (name) => `Загрузка ${name}`,
  waiting: 'Ждём связи…',
  tooMany: 'Не больше 10 файлов в сообщении',
  drop: 'Отпустите, чтобы прикрепить файлы',
  unavailable: 'Файл недоступен',
  open: (name) => `Открыть изображение ${name}`,
  download: 'Скачать',
  close: 'Закрыть',
  prev: 'Предыдущее изображение',
  next: 'Следующее изображение',
  of: (i, n) => `${i} из ${n}`,
  errors: {
    payload_too_large: 'Файл слишком большой',
    unsupported_media_type: 'Такой тип файла не принимается',
    validation_failed: 'Файл пустой или повреждён',
    conflict: 'Обращение закрыто',
    rate_limited: 'Слишком много файлов сразу, попробуйте чуть позже',
    other: 'Не удалось загрузить',
  },
}

export function attachStrings(lang: 'en' | 'ru'): AttachStrings {
  return lang === 'ru' ? ru : en
}

export function uploadError(t: AttachStrings, code: ErrorCode): string {
  return code in t.errors ? t.errors[code as keyof AttachStrings['errors']] : t.errors.other
}
