/** Assembles the repositories over an open SQLite handle into the `Store` the server wires. */
import type { ConversationWrite, Store } from '../actors/ports.ts'
import { ParleyError } from '../server/protocol/index.ts'
import { GroupCommitter } from './group-commit.ts'
import { SqlOperatorStore, SqlSessionStore } from './repos/accounts.ts'
import { SqlConversationStore } from './repos/conversations.ts'
import { SqlInboxStore, SqlVisitorStore } from './repos/directory.ts'
import { SqlConversationQueries } from './repos/queries.ts'
import { ConversationWriter } from './repos/writes.ts'
import type { SqliteHandle } from './sqlite.ts'

export function createSqliteStore(handle: SqliteHandle): Store {
  const writer = new ConversationWriter(handle.db)
  const committer = new GroupCommitter<ConversationWrite>((writes) => {
    try {
      handle.transaction(() => {
        for (const write of writes) writer.apply(write)
      })
    } catch (error) {
      // A duplicate seq or client message id is a conflict the actor can act on, not a crash.
      if (handle.isUniqueViolation(error)) {
        const conflict = new ParleyError('conflict', 'write conflicts with stored data')
        conflict.cause = error
        throw conflict
      }
      throw error
    }
  })
  let closing: Promise<void> | null = null

  return {
    conversations: new SqlConversationStore(handle.db, (write) => committer.submit(write)),
    queries: new SqlConversationQueries(handle.db),
    operators: new SqlOperatorStore(handle),
    sessions: new SqlSessionStore(handle),
    inboxes: new SqlInboxStore(handle),
    visitors: new SqlVisitorStore(handle),
    async ping() {
      handle.ping()
    },
    stats() {
      return committer.stats()
    },
    close() {
      closing ??= committer.close().then(() => handle.close())
      return closing
    },
  }
}
