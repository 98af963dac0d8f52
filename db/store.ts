/** Assembles the repositories over a dialect into the `Store` the server wires. */
import type { ConversationWrite, Store } from '../actors/ports.ts'
import { GroupCommitter } from './group-commit.ts'
import { SqlOperatorStore, SqlSessionStore } from './repos/accounts.ts'
import { asConflict } from './repos/conflicts.ts'
import { SqlConversationStore } from './repos/conversations.ts'
import { SqlInboxStore, SqlVisitorStore } from './repos/directory.ts'
import { SqlConversationQueries } from './repos/queries.ts'
import { ConversationWriter, type PlannedWrite } from './repos/writes.ts'
import type { SqlDialect } from './sql/dialect.ts'

export function createStore(db: SqlDialect): Store {
  const writer = new ConversationWriter(db)
  // A unit is a planned write: validated before it joins a batch, so only a write that
  // conflicts with stored data (or a fenced one) can fail a batch.
  const committer = new GroupCommitter<PlannedWrite>(async (units) => {
    try {
      await db.transaction(writer.batch(units))
    } catch (error) {
      // A duplicate seq or client message id is a conflict the actor can act on, not a crash.
      throw asConflict(db, error, 'write conflicts with stored data')
    }
  })
  const submit = async (write: ConversationWrite): Promise<void> => {
    await committer.submit(writer.plan(write))
  }
  let closing: Promise<void> | null = null

  return {
    conversations: new SqlConversationStore(db, submit),
    queries: new SqlConversationQueries(db),
    operators: new SqlOperatorStore(db),
    sessions: new SqlSessionStore(db),
    inboxes: new SqlInboxStore(db),
    visitors: new SqlVisitorStore(db),
    ping: () => db.ping(),
    stats() {
      return committer.stats()
    },
    close() {
      closing ??= committer.close().then(() => db.close())
      return closing
    },
  }
}
