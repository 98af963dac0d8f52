/** Operators' notification choices (issue 17, I4), see server/mail/digests.ts. */
import { eq } from 'drizzle-orm'
import type {
  NotificationPrefsRecord,
  NotificationPrefsStore,
  QuietHours,
} from '../../actors/ports.ts'
import type { SqlDialect } from '../sql/dialect.ts'
import type { Rows } from '../sql/tables.ts'
import { insertInto, param, selectRows, updateRows } from '../sql/statements.ts'

export class SqlNotificationPrefsStore implements NotificationPrefsStore {
  readonly #get
  readonly #recipients

  constructor(private readonly db: SqlDialect) {
    const n = db.tables.notificationPrefs
    this.#get = selectRows('notificationPrefs', { where: eq(n.operatorId, param('id')) })
    this.#recipients = selectRows('notificationPrefs', { where: eq(n.emailDigest, true) })
  }

  async get(operatorId: string): Promise<NotificationPrefsRecord | null> {
    const [row] = await this.db.all(this.#get, { id: operatorId })
    return row ? toPrefs(row) : null
  }

  async setEmailDigest(
    operatorId: string,
    on: boolean,
    at: number,
  ): Promise<NotificationPrefsRecord> {
    const row: Rows['notificationPrefs'] = {
      operatorId,
      emailDigest: on,
      digestSentAt: null,
      updatedAt: at,
      quietHours: null,
    }
    await this.db.insert(
      insertInto('notificationPrefs', {
        target: ['operatorId'],
        set: { emailDigest: on, updatedAt: at },
      }),
      [row],
    )
    return (await this.get(operatorId)) ?? toPrefs(row)
  }

  async setQuietHours(
    operatorId: string,
    quietHours: QuietHours | null,
    at: number,
  ): Promise<NotificationPrefsRecord> {
    const quiet = quietHours ? JSON.stringify(quietHours) : null
    const row: Rows['notificationPrefs'] = {
      operatorId,
      emailDigest: false,
      digestSentAt: null,
      updatedAt: at,
      quietHours: quiet,
    }
    await this.db.insert(
      insertInto('notificationPrefs', {
        target: ['operatorId'],
        set: { quietHours: quiet, updatedAt: at },
      }),
      [row],
    )
    return (await this.get(operatorId)) ?? toPrefs(row)
  }

  async digestRecipients(): Promise<NotificationPrefsRecord[]> {
    return (await this.db.all(this.#recipients)).map(toPrefs)
  }

  async digestSent(operatorId: string, at: number): Promise<void> {
    const n = this.db.tables.notificationPrefs
    await this.db.all(
      updateRows('notificationPrefs', { digestSentAt: at }, eq(n.operatorId, operatorId)),
    )
  }
}

function toPrefs({ quietHours, ...row }: Rows['notificationPrefs']): NotificationPrefsRecord {
  return { ...row, quietHours: quietHours ? (JSON.parse(quietHours) as QuietHours) : null }
}
