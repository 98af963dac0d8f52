/** The persistence layer's public surface: open a store by URL; the group committer for reuse. */
export { openStore, openDialect, parseDatabaseUrl } from './open.ts'
export type { DatabaseTarget, OpenOptions } from './open.ts'
export { GroupCommitter } from './group-commit.ts'
export type { CommitBatch, GroupCommitStats, GroupCommitterOptions } from './group-commit.ts'
export { copyDatabase, CopyRefused } from './copy/copy.ts'
export type { CopyOptions, CopyReport, TableReport } from './copy/copy.ts'
export { redactUrl } from './postgres/connection.ts'
