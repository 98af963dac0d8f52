/**
 * Data-subject requests (issue 18, S8): find a visitor by id, e-mail or the site's user id, and
 * export everything Parley holds about them as one ZIP archive: `visitor.json` (the profile,
 * attributes, and every conversation with its whole log: messages, notes about them, ratings,
 * pages and context, assignments), the proactive messages they were shown, and `files/` (every
 * file of those conversations, either side's). Streamed: the archive is never whole in memory, whatever the files weigh.
 */
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate'
import type { AttachmentRecord, Clock, Store, VisitorRecord } from '../actors/index.ts'
import { ParleyError, type Conversation, type ConversationEvent } from '../protocol/index.ts'
import { blobKey, type BlobStorage } from './attachments/storage.ts'

/** Most visitors a lookup lists (one e-mail in many inboxes). */
export const MAX_MATCHES = 50
/** Events read per page of a conversation's log. */
const LOG_PAGE = 1000

export const EXPORT_FORMAT = 'parley.visitor-export.v1'

export interface VisitorMatch {
  id: string
  inboxId: string
  externalId: string | null
  name: string | null
  email: string | null
  createdAt: number
  /** When they were erased (server/erasure.ts); null: never. */
  erasedAt: number | null
}

export interface VisitorExport {
  format: typeof EXPORT_FORMAT
  exportedAt: number
  visitor: VisitorRecord
  conversations: Array<Conversation & { events: ConversationEvent[] }>
  /**
   * The proactive messages (campaigns, issue 20) shown to them and when; `name` and `text` as
   * the campaign says now.
   */
  campaigns: Array<{ campaignId: string; name: string; text: string; shownAt: number }>
  /** Every file of those conversations; `file` is its path in the archive. */
  attachments: Array<Omit<AttachmentRecord, 'sha256'> & { sha256: string; file: string }>
}

const match = (v: VisitorRecord): VisitorMatch => ({
  id: v.id,
  inboxId: v.inboxId,
  externalId: v.externalId,
  name: v.name,
  email: v.email,
  createdAt: v.createdAt,
  erasedAt: v.erasedAt ?? null,
})

/** A file name safe in any archive tool: no folders, no control characters, not empty. */
function safeName(name: string): string {
  const cleaned = name
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, 120)
  return cleaned.length > 0 ? cleaned : 'file'
}

export class DataRequests {
  constructor(private readonly deps: { store: Store; storage: BlobStorage; clock: Clock }) {}

  /** Visitors matching one of id, e-mail (any case) or site user id; none is not an error. */
  async find(q: { id?: string; email?: string; externalId?: string }): Promise<VisitorMatch[]> {
    const { visitors } = this.deps.store
    if (q.id !== undefined) {
      const v = await visitors.getById(q.id)
      return v ? [match(v)] : []
    }
    if (q.email !== undefined)
      return (await visitors.find({ email: q.email.toLowerCase() }, MAX_MATCHES)).map(match)
    if (q.externalId !== undefined)
      return (await visitors.find({ externalId: q.externalId }, MAX_MATCHES)).map(match)
    return []
  }

  /** What the archive holds about a visitor; `not_found` for an unknown one. */
  async collect(visitorId: string): Promise<VisitorExport> {
    const { store } = this.deps
    const visitor = await store.visitors.getById(visitorId)
    if (!visitor) throw new ParleyError('not_found', 'visitor not found')
    const conversations: VisitorExport['conversations'] = []
    const attachments: VisitorExport['attachments'] = []
    for (const conversation of await store.queries.listVisitorConversations(visitorId)) {
      const events: ConversationEvent[] = []
      for (let after = 0; ;) {
        const page = await store.conversations.eventsAfter(conversation.id, after, LOG_PAGE)
        events.push(...page)
        if (page.length < LOG_PAGE) break
        after = page.at(-1)!.seq
      }
      conversations.push({ ...conversation, events })
      const ids = new Set<string>()
      for (const e of events) {
        if (e.name === 'message.created')
          for (const a of e.data.message.attachments ?? []) ids.add(a.id)
      }
      if (ids.size === 0) continue
      for (const record of await store.attachments.getMany(conversation.id, [...ids])) {
        if (record.status === 'deleted') continue
        attachments.push({ ...record, file: `files/${record.id}/${safeName(record.name)}` })
      }
    }
    const campaigns: VisitorExport['campaigns'] = []
    for (const showing of await store.campaigns.showingsOf(visitorId)) {
      // A deleted campaign takes its showings with it: each one here has its campaign.
      const campaign = await store.campaigns.get(showing.campaignId)
      if (campaign) campaigns.push({ ...showing, name: campaign.name, text: campaign.text })
    }
    return {
      format: EXPORT_FORMAT,
      exportedAt: this.deps.clock.now(),
      visitor,
      conversations,
      campaigns,
      attachments,
    }
  }

  /**
   * The archive as a stream: `visitor.json` (deflated), then each file as stored (most are
   * compressed already). A file whose bytes are missing from storage is named in
   * `missing-files.txt` instead of failing the whole export.
   */
  archive(data: VisitorExport): ReadableStream<Uint8Array> {
    const storage = this.deps.storage
    let zip: Zip
    let pull: (() => void) | null = null
    return new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          zip = new Zip((error, chunk, final) => {
            if (error) return controller.error(error)
            if (chunk.length > 0) controller.enqueue(chunk)
            if (final) controller.close()
          })
          // Waits while the reader is behind (the queue's high-water mark is full).
          const room = () =>
            (controller.desiredSize ?? 1) > 0
              ? Promise.resolve()
              : new Promise<void>((resolve) => (pull = resolve))
          void (async () => {
            try {
              const json = new ZipDeflate('visitor.json', { level: 6 })
              zip.add(json)
              json.push(new TextEncoder().encode(JSON.stringify(data, null, 2)), true)
              const missing: string[] = []
              for (const a of data.attachments) {
                const key = blobKey(a.id, 'original')
                if (!(await storage.stat(key))) {
                  missing.push(a.file)
                  continue
                }
                const entry = new ZipPassThrough(a.file)
                zip.add(entry)
                const reader = storage.stream(key).getReader()
                for (;;) {
                  const { done, value } = await reader.read()
                  if (done) break
                  entry.push(value)
                  await room()
                }
                entry.push(new Uint8Array(0), true)
              }
              if (missing.length > 0) {
                const note = new ZipPassThrough('missing-files.txt')
                zip.add(note)
                note.push(new TextEncoder().encode(`${missing.join('\n')}\n`), true)
              }
              zip.end()
            } catch (error) {
              controller.error(error)
            }
          })()
        },
        pull: () => {
          const resolve = pull
          pull = null
          resolve?.()
        },
        cancel: () => zip?.terminate(),
      },
      { highWaterMark: 4 },
    )
  }
}
