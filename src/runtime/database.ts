import type { Pool } from 'pg';
import { migrateUp } from '../db/migrate';
import { createPool } from '../db/pool';

/** How long a starting process waits for a Postgres that is not up yet (restarting, still recovering). */
const DATABASE_WAIT_MS = 60_000;
/** Errors of a Postgres that is down or starting up: worth waiting out. Anything else (a bad password) is not. */
const NOT_UP_YET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', '57P03', '57P01']);

/**
 * Migrates (once, under the migration lock) and opens the pool. A Postgres that is down or starting up is
 * waited for, up to a minute, so that a worker restarted during a database restart comes up with it instead of
 * exiting; a wrong URL or password fails at once. The pool goes to the composition roots only: they build the
 * ledger and the market-data cache on it.
 */
export async function openDatabase(databaseUrl: string, log: (msg: string) => void): Promise<Pool> {
  const deadline = Date.now() + DATABASE_WAIT_MS;
  for (let wait = 250; ; wait = Math.min(wait * 2, 4_000)) {
    try {
      const applied = await migrateUp(databaseUrl);
      if (applied.length) log(`database: applied migrations ${applied.join(', ')}`);
      return createPool(databaseUrl);
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (!NOT_UP_YET.has(code) || Date.now() + wait > deadline) throw err;
      log(`database: not up yet (${code}); trying again in ${wait} ms`);
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
