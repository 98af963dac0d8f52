/** drizzle-kit config for the SQLite dialect; paths are relative to the project root. */
import { defineConfig } from 'drizzle-kit'

export default defineConfig({
  dialect: 'sqlite',
  schema: './db/sqlite/schema.ts',
  out: './db/migrations/sqlite',
})
