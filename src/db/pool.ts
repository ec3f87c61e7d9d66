import { Pool } from 'pg';

export function createPool(databaseUrl: string, max = 10): Pool {
  const pool = new Pool({ connectionString: databaseUrl, max, application_name: 'ooda-bot' });
  // An idle client that loses its connection (Postgres restarted) must not crash the process.
  pool.on('error', (err) => console.error(`postgres pool: idle client error: ${err.message}`));
  return pool;
}
