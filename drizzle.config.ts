/**
 * @module drizzle.config
 * drizzle-kit settings: the schema in `db/schema/` is the source of truth; `npx drizzle-kit
 * generate` writes SQL + `meta/_journal.json` to `db/migrations/`, which are committed and
 * applied at start-up by `db/migrate.ts` (never `drizzle-kit push` against a shared database).
 */
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  // Each aggregate file is listed through a glob so drizzle-kit never has to resolve the
  // NodeNext-style `.js` specifiers of `db/schema/index.ts`.
  schema: './db/schema/!(index).ts',
  out: './db/migrations',
  dbCredentials: { url: process.env.TB_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ticketbottle' },
  strict: true,
  verbose: true,
});
