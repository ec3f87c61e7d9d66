import path from 'node:path';
import { runner } from 'node-pg-migrate';
import { Client } from 'pg';

/** Versioned SQL migrations in /migrations, applied in order at start-up. */
export const MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', 'migrations');

/** Our own advisory lock key ("OODA" in ASCII): one process migrates, the others wait for it, then find nothing to do. */
const MIGRATION_LOCK_KEY = 0x4f4f4441;

/**
 * Applies the pending migrations. Any number of workers and APIs may start at the same moment on one database:
 * each waits for a blocking session-level advisory lock, so exactly one applies the migrations while the others
 * wait, then see them applied. (node-pg-migrate's own lock is a single try that fails the process instead.)
 */
export async function migrateUp(databaseUrl: string, log: (msg: string) => void = () => undefined): Promise<string[]> {
  const lock = new Client({ connectionString: databaseUrl });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await runner({
      databaseUrl,
      dir: MIGRATIONS_DIR,
      direction: 'up',
      migrationsTable: 'pgmigrations',
      count: Infinity,
      noLock: true,
      log,
      verbose: false,
    });
    return applied.map((m) => m.name);
  } finally {
    // Ending the session releases the lock, also when a migration failed.
    await lock.end();
  }
}
