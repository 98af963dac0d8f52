/**
 * Which inboxes have webhook endpoints, in memory (issue 17): a conversation write consults it
 * to decide whether its events go into the outbox, with no query on the chat path. Reloaded
 * when an admin changes an endpoint (on every node: the change is published through NATS),
 * when the cluster link comes back, and every minute whatever happens.
 *
 * An event is reported when its write was committed after the node that wrote it knew of the
 * endpoint: in a cluster that is within milliseconds of the change (the publication), at
 * worst a minute (the reload) if the publication was lost.
 */
import type { Logger, WebhookStore } from '../../actors/index.ts'
import type { ConversationEvent } from '../../protocol/index.ts'
import type { WebhookEventType } from '../../protocol/webhooks.ts'
import { mayReport } from './events.ts'

/** The subject every node hears endpoint changes on. */
export const WEBHOOKS_CHANGED_SUBJECT = 'parley.webhooks.changed'
/** Reload period, whatever was heard. */
const RELOAD_MS = 60_000

/** The relay as the directory uses it (server/cluster/relay.ts); absent on one node. */
export interface DirectoryRelay {
  readonly connected: boolean
  publish(subject: string, payload: unknown): void
  watch(subject: string, handler: (payload: unknown) => void): () => void
}

export class WebhookDirectory {
  /** Events subscribed by the enabled endpoints of each inbox that has any. */
  #byInbox = new Map<string, Set<WebhookEventType>>()
  #loaded = false
  #reloading: Promise<void> | null = null
  #again = false
  #timer: ReturnType<typeof setInterval> | null = null
  #unwatch: (() => void) | null = null

  constructor(
    private readonly store: WebhookStore,
    private readonly relay: DirectoryRelay | null,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.#unwatch = this.relay?.watch(WEBHOOKS_CHANGED_SUBJECT, () => void this.reload()) ?? null
    await this.reload()
    this.#timer = setInterval(() => void this.reload(), RELOAD_MS)
    this.#timer.unref?.()
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = null
    this.#unwatch?.()
  }

  /**
   * True when an enabled endpoint of the inbox subscribes to what one of these events may be
   * reported as. Before the first load: true (a mark too many costs a row, one too few an event).
   */
  reports(inboxId: string, events: readonly ConversationEvent[]): boolean {
    if (!this.#loaded) return true
    const subscribed = this.#byInbox.get(inboxId)
    if (!subscribed) return false
    return events.some((e) => mayReport(e).some((type) => subscribed.has(type)))
  }

  /** An endpoint changed here: reload, and tell the other nodes to. */
  async changed(): Promise<void> {
    if (this.relay?.connected) this.relay.publish(WEBHOOKS_CHANGED_SUBJECT, {})
    await this.reload()
  }

  /** Reads every endpoint again; concurrent calls share a load, and one more follows it. */
  reload(): Promise<void> {
    if (this.#reloading) {
      this.#again = true
      return this.#reloading
    }
    const run = (async () => {
      do {
        this.#again = false
        try {
          const byInbox = new Map<string, Set<WebhookEventType>>()
          for (const endpoint of await this.store.listEndpoints(null)) {
            if (!endpoint.enabled) continue
            const events = byInbox.get(endpoint.inboxId) ?? new Set<WebhookEventType>()
            for (const type of endpoint.events) events.add(type)
            byInbox.set(endpoint.inboxId, events)
          }
          this.#byInbox = byInbox
          this.#loaded = true
        } catch (error) {
          // The previous view stays (or "report everything" before the first load).
          this.log.warn('webhook endpoints could not be read', { error })
        }
      } while (this.#again)
    })()
    this.#reloading = run.finally(() => {
      this.#reloading = null
    })
    return this.#reloading
  }
}
