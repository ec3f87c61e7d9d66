import http from 'node:http';
import { botsContext } from '../../src/api/bots';
import { startApiServer } from '../../src/api/server';
import { createTestDatabase, startTestWorker, type TestDatabase, type TestTemporal } from '../support/harness';

// Stopping the API (SIGTERM in apiMain) drains it: a request already in flight is answered, not cut.

let db: TestDatabase;
let temporal: TestTemporal;

beforeAll(async () => {
  db = await createTestDatabase();
  temporal = await startTestWorker(db.deps);
});
afterAll(async () => {
  await temporal?.close();
  await db?.drop();
});

it('answers a request in flight when it is stopped, then refuses new connections', async () => {
  const api = await startApiServer(
    botsContext({
      client: temporal.client,
      ledger: db.ledger,
      taskQueue: temporal.taskQueue,
      defaultMarketDataMode: 'quicktest',
    }),
    '127.0.0.1',
    0,
  );
  const url = new URL(api.url);
  const body = JSON.stringify({ id: 'drained', symbol: 'BTC/USD', intervalSeconds: 30 });
  // Half the body now, the rest after stop() has begun: the request is in flight across the stop.
  const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: '/api/bots',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.write(body.slice(0, 10));
    setTimeout(() => req.end(body.slice(10)), 500);
  });
  await new Promise((r) => setTimeout(r, 200));
  const stopped = api.stop();
  const { status, text } = await answer;
  expect(status).toBe(201);
  expect(JSON.parse(text)).toMatchObject({ id: 'drained', workflowId: 'bot-drained' });
  await stopped;
  await expect(fetch(`${api.url}/healthz`)).rejects.toThrow();
  await temporal.client.workflow.getHandle('bot-drained').terminate();
});
