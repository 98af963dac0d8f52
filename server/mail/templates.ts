/**
 * What Parley's e-mails say (issue 17, I4), in English and Russian, each as plain text and
 * HTML with the same content. Everything that comes from people (names, messages, inbox names)
 * is escaped in the HTML part; links are only ones the server made.
 */

export type MailLang = 'en' | 'ru'

export interface Rendered {
  subject: string
  text: string
  html: string
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

/** One line of a subject: no line breaks (header injection), bounded. */
function subjectLine(text: string): string {
  const flat = text.replace(/[\r\n\t]+/g, ' ').trim()
  return flat.length > 150 ? `${flat.slice(0, 149)}…` : flat
}

function page(lang: MailLang, body: string): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head><body style="margin:0;padding:24px;background:#f5f5f7;font:15px/1.5 -apple-system,Segoe UI,Roboto,Arial,sans-serif;color:#1d1d1f"><div style="max-width:560px;margin:0 auto;background:#fff;border-radius:8px;padding:24px">${body}</div></body></html>`
}

/** Paragraphs of a message: blank lines split, line breaks kept. */
function paragraphs(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((p) => `<p style="margin:0 0 12px;white-space:pre-wrap">${escapeHtml(p)}</p>`)
    .join('')
}

const OFFLINE = {
  en: {
    subject: (inbox: string) => `Re: your request to ${inbox}`,
    hello: (name: string | null) => (name ? `Hello, ${name}!` : 'Hello!'),
    intro: (inbox: string) => `You left us a message at ${inbox}. Here is our answer:`,
    wrote: (who: string) => `${who} wrote:`,
    footer: 'You can answer by replying to this e-mail.',
  },
  ru: {
    subject: (inbox: string) => `Re: ваше обращение в ${inbox}`,
    hello: (name: string | null) => (name ? `Здравствуйте, ${name}!` : 'Здравствуйте!'),
    intro: (inbox: string) => `Вы оставили нам сообщение в ${inbox}. Вот наш ответ:`,
    wrote: (who: string) => `${who} пишет:`,
    footer: 'Вы можете ответить на это письмо.',
  },
}

/** An operator's answer to an offline request (R6): every reply since the last e-mail. */
export function offlineReply(
  lang: MailLang,
  input: {
    inboxName: string
    visitorName: string | null
    replies: { author: string; text: string }[]
  },
): Rendered {
  const t = OFFLINE[lang]
  const text = [
    t.hello(input.visitorName),
    '',
    t.intro(input.inboxName),
    '',
    ...input.replies.flatMap((r) => [t.wrote(r.author), r.text, '']),
    '--',
    t.footer,
  ].join('\n')
  const html = page(
    lang,
    [
      `<p style="margin:0 0 12px">${escapeHtml(t.hello(input.visitorName))}</p>`,
      `<p style="margin:0 0 16px">${escapeHtml(t.intro(input.inboxName))}</p>`,
      ...input.replies.map(
        (r) =>
          `<p style="margin:0 0 4px;color:#6e6e73">${escapeHtml(t.wrote(r.author))}</p><blockquote style="margin:0 0 16px;padding:0 0 0 12px;border-left:3px solid #d2d2d7">${paragraphs(r.text)}</blockquote>`,
      ),
      `<p style="margin:16px 0 0;color:#6e6e73;font-size:13px">${escapeHtml(t.footer)}</p>`,
    ].join(''),
  )
  return { subject: subjectLine(t.subject(input.inboxName)), text, html }
}

const RESET = {
  en: {
    subject: 'Reset your Parley password',
    hello: (name: string) => `Hello, ${name}!`,
    intro: 'Someone (hopefully you) asked to reset the password of your Parley account.',
    action: 'Choose a new password',
    expiry: (minutes: number) => `The link works once, for ${minutes} minutes.`,
    ignore: 'If you did not ask for it, ignore this e-mail: your password stays as it is.',
  },
  ru: {
    subject: 'Сброс пароля Parley',
    hello: (name: string) => `Здравствуйте, ${name}!`,
    intro: 'Кто-то (надеемся, вы) попросил сбросить пароль вашей учётной записи Parley.',
    action: 'Задать новый пароль',
    expiry: (minutes: number) => `Ссылка действует один раз, ${minutes} минут.`,
    ignore: 'Если вы этого не просили, просто удалите письмо: пароль останется прежним.',
  },
}

/** A password reset link for an operator. */
export function passwordReset(
  lang: MailLang,
  input: { name: string; link: string; minutes: number },
): Rendered {
  const t = RESET[lang]
  const text = [
    t.hello(input.name),
    '',
    t.intro,
    '',
    `${t.action}: ${input.link}`,
    '',
    t.expiry(input.minutes),
    t.ignore,
  ].join('\n')
  const html = page(
    lang,
    [
      `<p style="margin:0 0 12px">${escapeHtml(t.hello(input.name))}</p>`,
      `<p style="margin:0 0 16px">${escapeHtml(t.intro)}</p>`,
      `<p style="margin:0 0 16px"><a href="${escapeHtml(input.link)}" style="display:inline-block;background:#0a66c2;color:#fff;text-decoration:none;padding:10px 16px;border-radius:6px">${escapeHtml(t.action)}</a></p>`,
      `<p style="margin:0 0 8px;color:#6e6e73;font-size:13px">${escapeHtml(t.expiry(input.minutes))}</p>`,
      `<p style="margin:0;color:#6e6e73;font-size:13px">${escapeHtml(t.ignore)}</p>`,
    ].join(''),
  )
  return { subject: t.subject, text, html }
}

const TEST = {
  en: {
    subject: (inbox: string) => `Parley: test e-mail for ${inbox}`,
    body: (inbox: string) =>
      `This is a test. Answers to offline requests in ${inbox} will be e-mailed to visitors from this address.`,
  },
  ru: {
    subject: (inbox: string) => `Parley: проверка почты для ${inbox}`,
    body: (inbox: string) =>
      `Это проверка. Ответы на заявки в ${inbox} будут отправляться посетителям с этого адреса.`,
  },
}

/** The test e-mail an admin sends to the sender's own address. */
export function mailTest(lang: MailLang, input: { inboxName: string }): Rendered {
  const t = TEST[lang]
  const body = t.body(input.inboxName)
  return {
    subject: subjectLine(t.subject(input.inboxName)),
    text: body,
    html: page(lang, `<p style="margin:0">${escapeHtml(body)}</p>`),
  }
}

/** One waiting conversation in a digest. */
export interface DigestItem {
  who: string
  /** The newest message's text (may be empty: a file, or deleted). */
  preview: string
  /** A link to it in the panel; null when PUBLIC_URL is not set. */
  link: string | null
}

const DIGEST = {
  en: {
    subject: (n: number) =>
      n === 1 ? 'Parley: 1 conversation is waiting' : `Parley: ${n} conversations are waiting`,
    hello: (name: string) => `Hello, ${name}!`,
    intro: 'While you were away, visitors wrote and nobody has answered yet.',
    mine: 'Assigned to you',
    unassigned: 'Not assigned to anyone',
    open: 'Open',
    footer: 'You get this because e-mail digests are on in your notification settings.',
  },
  ru: {
    subject: (n: number) => `Parley: ждут ответа диалогов: ${n}`,
    hello: (name: string) => `Здравствуйте, ${name}!`,
    intro: 'Пока вас не было, посетители написали, и им ещё никто не ответил.',
    mine: 'Назначены вам',
    unassigned: 'Никому не назначены',
    open: 'Открыть',
    footer:
      'Вы получаете это письмо, потому что в настройках уведомлений включены сводки по почте.',
  },
}

/** What waits for an operator who is offline: their own conversations, then unassigned ones. */
export function digest(
  lang: MailLang,
  input: { name: string; mine: DigestItem[]; unassigned: DigestItem[] },
): Rendered {
  const t = DIGEST[lang]
  const total = input.mine.length + input.unassigned.length
  const sections = [
    { title: t.mine, items: input.mine },
    { title: t.unassigned, items: input.unassigned },
  ].filter((section) => section.items.length > 0)
  const line = (i: DigestItem) =>
    `- ${i.who}${i.preview ? `: ${i.preview}` : ''}${i.link ? `\n  ${i.link}` : ''}`
  const text = [
    t.hello(input.name),
    '',
    t.intro,
    ...sections.flatMap((s) => ['', `${s.title}:`, ...s.items.map(line)]),
    '',
    '--',
    t.footer,
  ].join('\n')
  const item = (i: DigestItem) =>
    `<li style="margin:0 0 8px"><b>${escapeHtml(i.who)}</b>${i.preview ? ` — ${escapeHtml(i.preview)}` : ''}${i.link ? ` <a href="${escapeHtml(i.link)}">${escapeHtml(t.open)}</a>` : ''}</li>`
  const html = page(
    lang,
    [
      `<p style="margin:0 0 12px">${escapeHtml(t.hello(input.name))}</p>`,
      `<p style="margin:0 0 16px">${escapeHtml(t.intro)}</p>`,
      ...sections.map(
        (s) =>
          `<h2 style="font-size:15px;margin:16px 0 8px">${escapeHtml(s.title)}</h2><ul style="margin:0;padding-left:20px">${s.items.map(item).join('')}</ul>`,
      ),
      `<p style="margin:16px 0 0;color:#6e6e73;font-size:13px">${escapeHtml(t.footer)}</p>`,
    ].join(''),
  )
  return { subject: subjectLine(t.subject(total)), text, html }
}

/** One line of a transcript. */
export interface TranscriptLine {
  who: string
  at: number
  text: string
  /** Names of the files it carried. */
  files: string[]
}

const TRANSCRIPT = {
  en: {
    subject: (inbox: string) => `Your conversation with ${inbox}`,
    intro: (inbox: string) => `Here is your conversation with ${inbox}, as you asked.`,
    files: 'Files',
    deleted: '(deleted)',
  },
  ru: {
    subject: (inbox: string) => `Ваш диалог с ${inbox}`,
    intro: (inbox: string) => `Вот ваш диалог с ${inbox}, как вы просили.`,
    files: 'Файлы',
    deleted: '(удалено)',
  },
}

/** `2026-12-05 14:03 UTC`: one zone for every reader of the e-mail. */
function stamp(at: number): string {
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

/** A conversation as the visitor saw it, for their records. */
export function transcript(
  lang: MailLang,
  input: { inboxName: string; lines: TranscriptLine[] },
): Rendered {
  const t = TRANSCRIPT[lang]
  const body = (l: TranscriptLine) => l.text || (l.files.length ? '' : t.deleted)
  const text = [
    t.intro(input.inboxName),
    '',
    ...input.lines.flatMap((l) => [
      `[${stamp(l.at)}] ${l.who}:`,
      ...(body(l) ? [body(l)] : []),
      ...(l.files.length ? [`${t.files}: ${l.files.join(', ')}`] : []),
      '',
    ]),
  ].join('\n')
  const html = page(
    lang,
    [
      `<p style="margin:0 0 16px">${escapeHtml(t.intro(input.inboxName))}</p>`,
      ...input.lines.map(
        (l) =>
          `<div style="margin:0 0 12px"><div style="color:#6e6e73;font-size:13px">${escapeHtml(stamp(l.at))} · <b>${escapeHtml(l.who)}</b></div>${body(l) ? paragraphs(body(l)) : ''}${l.files.length ? `<div style="color:#6e6e73;font-size:13px">${escapeHtml(t.files)}: ${escapeHtml(l.files.join(', '))}</div>` : ''}</div>`,
      ),
    ].join(''),
  )
  return { subject: subjectLine(t.subject(input.inboxName)), text, html }
}
