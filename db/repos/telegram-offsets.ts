/** Telegram channel update offsets (issue 17, I5), see server/webhooks/telegram-channel.ts. */
import { eq } from 'drizzle-orm'
import type { TelegramOffsetStore } from '../../actors/ports.ts'
import type { SqlDialect } from '../sql/dialect.ts'
import { insertInto, param, selectRows } from '../sql/statements.ts'

export class SqlTelegramOffsetStore implements TelegramOffsetStore {
  readonly #get

  constructor(private readonly db: SqlDialect) {
    const t = db.tables.telegramOffsets
    this.#get = selectRows('telegramOffsets', { where: eq(t.endpointId, param('id')) })
  }

  async get(endpointId: string): Promise<number> {
    const [row] = await this.db.all(this.#get, { id: endpointId })
    return row?.nextUpdateId ?? 0
  }

  async set(endpointId: string, nextUpdateId: number, at: number): Promise<void> {
    await this.db.insert(
      insertInto('telegramOffsets', {
        target: ['endpointId'],
        set: { nextUpdateId, updatedAt: at },
      }),
      [{ endpointId, nextUpdateId, updatedAt: at }],
    )
  }
}
