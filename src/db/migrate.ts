import path from 'node:path';
import { runner } from 'node-pg-migrate';

/** Versioned SQL migrations in /migrations, applied in order at start-up under node-pg-migrate's advisory lock. */
export const MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', 'migrations');

export async function migrateUp(databaseUrl: string, log: (msg: string) => void = () => undefined): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    count: Infinity,
    log,
    verbose: false,
  });
  return applied.map((m) => m.name);
}
