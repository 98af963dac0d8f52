/** drizzle-kit config for the Postgres dialect; paths are relative to the project root. */
import { defineConfig } from 'drizzle-kit'

export default defineConfig({
  dialect: 'postgresql',
  schema: './db/postgres/schema.ts',
  out: './db/migrations/postgres',
})
