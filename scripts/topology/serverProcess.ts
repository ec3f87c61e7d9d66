import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { Client as PgClient } from 'pg';
import { ensureSearchAttributes } from '../../src/temporal/searchAttributes';
import { BOT_SEARCH_ATTRIBUTES } from '../../src/workflows/searchAttributes';
import { type OwnedProcess, sleep, spawnOwned, waitUntilReady } from './ownedProcess';
import type { ServerBinaries } from './serverBinaries';
import {
  dynamicConfigFile,
  type ServerSpec,
  serverConfigDir,
  type SqlTarget,
  TEMPORAL_DATABASES,
  writeServerConfig,
} from './serverConfig';

// The real Temporal server (go.temporal.io/server) on the topology's Postgres: its two databases set up with
// temporal-sql-tool, its config checked and written, the process spawned, and the `default` namespace with the
// bots' search attributes created once it answers. Every step is idempotent: a restart (chaos) runs them again.

const run = promisify(execFile);

/** The schemas ship inside the binary (`--schema-name`), so they always match the server that reads them. */
const SCHEMAS = {
  [TEMPORAL_DATABASES.default]: 'postgresql/v12/temporal',
  [TEMPORAL_DATABASES.visibility]: 'postgresql/v12/visibility',
} as const;

async function sqlTool(binary: string, sql: SqlTarget, database: string, args: string[]): Promise<void> {
  const connect = ['--plugin', 'postgres12', '--endpoint', sql.host, '--port', String(sql.port), '--user', sql.user];
  try {
    // The password through the tool's SQL_PASSWORD, out of `ps`; its only environment, so no inherited SQL_*
    // variable (the tool reads SQL_HOST, SQL_PORT, ...) can change where it connects.
    await run(binary, [...connect, '--database', database, ...args], { env: { SQL_PASSWORD: sql.password } });
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`temporal-sql-tool ${args[0]} on ${database} failed: ${e.stderr || e.stdout || e.message}`);
  }
}

async function databaseExists(sql: SqlTarget, database: string): Promise<boolean> {
  const client = new PgClient({ ...sql, database: 'postgres' });
  await client.connect();
  try {
    return ((await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}

/**
 * create-database (only when missing: the tool fails on an existing one), setup-schema -v 0.0 (the version
 * tables; a no-op once there) and update-schema to the newest version the binary carries (a no-op when current).
 */
export async function setupSchemas(binary: string, sql: SqlTarget): Promise<void> {
  for (const [database, schema] of Object.entries(SCHEMAS)) {
    // --database names the one to create; the tool connects to `postgres` (its --defaultdb) to create it.
    if (!(await databaseExists(sql, database))) await sqlTool(binary, sql, database, ['create-database']);
    await sqlTool(binary, sql, database, ['setup-schema', '-v', '0.0']);
    await sqlTool(binary, sql, database, ['update-schema', '--schema-name', schema]);
  }
}

/** The server silently ignores an unknown key: its own validator names misspelt keys and wrong types. */
export async function validateDynamicConfig(binary: string, file: string): Promise<void> {
  try {
    const { stdout } = await run(binary, ['validate-dynamic-config', file]);
    if (/warning:/.test(stdout)) throw new Error(stdout.trim());
  } catch (err) {
    const e = err as { stdout?: string; message: string };
    throw new Error(`the server's dynamic config ${file} does not validate: ${e.stdout || e.message}`);
  }
}

/** Config written and checked, databases set up: what a start needs before the process. */
export async function prepareServer(spec: ServerSpec, binaries: ServerBinaries): Promise<void> {
  writeServerConfig(spec);
  await validateDynamicConfig(binaries.server, dynamicConfigFile(spec));
  await setupSchemas(binaries.sqlTool, spec.sql);
}

export function spawnServer(spec: ServerSpec, binaries: ServerBinaries): OwnedProcess {
  return spawnOwned({
    name: 'temporal',
    command: binaries.server,
    // No authorizer on a loopback-only server, said explicitly (otherwise it warns at every start).
    args: ['--root', spec.dir, '--config', path.relative(spec.dir, serverConfigDir(spec)), '--allow-no-auth', 'start'],
    logFile: spec.logFile,
    cwd: spec.dir,
  });
}

async function withConnection<T>(address: string, use: (c: Connection) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    return await use(connection);
  } finally {
    await connection.close();
  }
}

/** One day, as the dev server's namespaces: the soak and the bench read histories of the run they just made. */
const RETENTION = msToTs('1 day');

/** system.namespaceCacheRefreshInterval, left at its default: every service re-reads namespaces this often. */
const NAMESPACE_CACHE_REFRESH_MS = 2000;

/**
 * Ready once the frontend answers, `namespace` exists and the bots' search attributes can be queried. With SQL
 * visibility a namespace's search attributes live in its record, which each service (frontend, history) caches
 * and re-reads every 2 s: after adding either, the history service may not know it for one more refresh.
 */
export async function waitForServer(server: OwnedProcess, address: string, namespace = 'default'): Promise<void> {
  const answers = () => withConnection(address, (c) => c.workflowService.getSystemInfo({}).then(() => true));
  await waitUntilReady(server, 'its frontend answers', answers, 60_000);
  const registered = await withConnection(address, async (c) => {
    const exists = await c.workflowService.describeNamespace({ namespace }).then(
      () => true,
      () => false,
    );
    if (exists) return false;
    await c.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: RETENTION });
    return true;
  });
  let added: string[] = [];
  const query = BOT_SEARCH_ATTRIBUTES.map((k) => `${k.name} = 'ready'`).join(' AND ');
  const queryable = () =>
    withConnection(address, async (c) => {
      added = added.concat(await ensureSearchAttributes(c.operatorService, namespace));
      await c.workflowService.listWorkflowExecutions({ namespace, query, pageSize: 1 });
      return true;
    });
  await waitUntilReady(server, `namespace ${namespace} with the bots' search attributes`, queryable, 30_000);
  if (registered || added.length > 0) await sleep(2 * NAMESPACE_CACHE_REFRESH_MS);
}
