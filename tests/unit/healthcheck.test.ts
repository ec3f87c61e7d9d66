import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

// The containers' healthcheck (docker-compose.yml runs `node dist/healthcheckMain.js <url>`): 0 for a 2xx
// answer, 1 for any other answer or none within 4 s, 2 when it is given no URL.

const ROOT = path.resolve(__dirname, '..', '..');

function healthcheck(...args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'healthcheckMain.ts'), ...args], {
      cwd: ROOT,
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

let server: Server;
let base: string;
beforeAll(async () => {
  // /ok answers 200, /down 503, /hang never answers.
  server = createServer((req, res) => {
    if (req.url === '/hang') return;
    res.writeHead(req.url === '/ok' ? 200 : 503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

it('exits 0 for a 2xx answer and 1 for a 503', async () => {
  expect((await healthcheck(`${base}/ok`)).status).toBe(0);
  expect((await healthcheck(`${base}/down`)).status).toBe(1);
});

it('exits 1 naming the URL when the answer does not come within 4 s', async () => {
  const started = Date.now();
  const hung = await healthcheck(`${base}/hang`);
  expect(hung.status).toBe(1);
  expect(hung.stderr).toContain(`${base}/hang: `);
  expect(Date.now() - started).toBeGreaterThanOrEqual(4000);
});

it('exits 1 when nothing listens, and 2 with its usage when given no URL', async () => {
  const refused = await healthcheck('http://127.0.0.1:1/healthz');
  expect(refused.status).toBe(1);
  expect(refused.stderr).toContain('http://127.0.0.1:1/healthz: ');
  const bare = await healthcheck();
  expect(bare.status).toBe(2);
  expect(bare.stderr).toContain('usage: node dist/healthcheckMain.js <url>');
});
