import net from 'node:net';
import { openDatabase } from '../../src/runtime/database';
import { createTestDatabase, type TestDatabase } from '../support/harness';

// A process that starts while Postgres is down (a restart, a container still booting) waits for it instead of
// exiting; a wrong password is not waited out. The "Postgres" here is the real one behind a TCP relay that
// starts listening only after a while, as a restarting server would.

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

/** A free port, and a relay to the real Postgres that can be opened on it later. */
async function lateRelay(target: URL): Promise<{ port: number; open(): Promise<void>; close(): Promise<void> }> {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const sockets = new Set<net.Socket>();
  const relay = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  return {
    port,
    open: () => new Promise<void>((r) => relay.listen(port, '127.0.0.1', r)),
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        relay.close(() => r());
      }),
  };
}

it('waits for a Postgres that comes up after it started, then migrates and opens the pool', async () => {
  const real = new URL(db.url);
  const relay = await lateRelay(real);
  const viaRelay = new URL(db.url);
  viaRelay.hostname = '127.0.0.1';
  viaRelay.port = String(relay.port);
  const lines: string[] = [];
  const opening = openDatabase(viaRelay.toString(), (l) => lines.push(l));
  await new Promise((r) => setTimeout(r, 1500));
  await relay.open();
  const pool = await opening;
  try {
    expect((await pool.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    expect(lines.some((l) => /not up yet \(ECONNREFUSED\)/.test(l))).toBe(true);
  } finally {
    await pool.end();
    await relay.close();
  }
});

it('does not wait out a wrong password', async () => {
  const wrong = new URL(db.url);
  wrong.password = 'certainly-not-the-password';
  wrong.username = 'ooda_no_such_user';
  const started = Date.now();
  await expect(openDatabase(wrong.toString(), () => undefined)).rejects.toThrow();
  expect(Date.now() - started).toBeLessThan(10_000);
});
