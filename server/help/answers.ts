/**
 * The answer-engine port (issue 21, H2): where a model could draft an operator's reply from the
 * help center's articles. Nothing in Parley requires one, and nothing here calls one: the
 * product works the same without it, and no test depends on a model.
 *
 * What is here is the part that does not need a model: choosing the articles a draft should
 * rest on (the help center's own search, so the same stemming, ranking and portal rules), and
 * the shape of what an engine receives and returns. An adapter (for example one that posts to
 * an OpenAI-compatible `/v1/chat/completions` endpoint the admin configures) implements
 * `AnswerEngine`; see docs/help-center.md, "An answer engine", for the contract: the draft is
 * only ever a suggestion in the operator's composer, it cites the articles it used, and
 * nothing is sent to a visitor without an operator.
 */
import type { HelpLanguage } from '../../protocol/help.ts'
import type { HelpService } from './service.ts'

/** The most articles a draft rests on. */
export const MAX_SOURCES = 3
/** The most characters of one article's text an engine is given. */
export const MAX_SOURCE_CHARS = 6000

/** An article a draft may rest on: its public address, title and plain text. */
export interface AnswerSource {
  id: string
  url: string
  title: string
  text: string
}

/** What an engine is asked: the visitor's question, in a language, with the sources. */
export interface AnswerRequest {
  question: string
  language: HelpLanguage
  sources: AnswerSource[]
}

/** A draft for the operator: text, and the ids of the sources it used (a subset). */
export interface AnswerDraft {
  text: string
  cited: string[]
}

/**
 * An answer engine. Returns null when it has nothing to suggest (no source fits, or it
 * declines); rejects when it fails (the composer then simply shows no draft). Must honour the
 * signal (the operator moved on).
 */
export interface AnswerEngine {
  draft(request: AnswerRequest, signal: AbortSignal): Promise<AnswerDraft | null>
}

/**
 * The articles a draft for `question` should rest on: the best published ones of the
 * conversation's portal in its language, their text cut to MAX_SOURCE_CHARS. An empty list
 * means there is nothing to draft from (an engine should then not be asked at all).
 */
export async function answerSources(
  help: HelpService,
  opts: { inboxId: string; language: HelpLanguage; question: string },
  articleText: (id: string) => Promise<{ url: string; title: string; text: string } | null>,
): Promise<AnswerSource[]> {
  const question = opts.question.slice(0, 200)
  const { hits } = await help.search({
    inboxId: opts.inboxId,
    language: opts.language,
    query: question,
    limit: MAX_SOURCES,
  })
  const sources: AnswerSource[] = []
  for (const hit of hits.slice(0, MAX_SOURCES)) {
    const article = await articleText(hit.id)
    if (!article) continue
    sources.push({ id: hit.id, ...article, text: article.text.slice(0, MAX_SOURCE_CHARS) })
  }
  return sources
}
