import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { runApi } from '../../src/runtime/apiPart';
import { connectClient, connectWorker, temporalEndpoint } from '../../src/temporal/connection';
import { makeTestPki, type TestPki } from '../support/certificates';
import { createTestDatabase, eventually, startTestWorker, type TestDatabase } from '../support/harness';
import { startTlsProxy, type TlsProxy } from '../support/tlsProxy';
import { fleet } from '../../scripts/soak/fleet';
import { api, readFleetRecord, settle } from '../../scripts/soak/run';
import { launchTopology } from '../../scripts/topology/launcher';
import { topologyClient } from '../../scripts/topology/temporalClient';

// Remote Temporal over mutual TLS: the real dev server behind a TLS proxy that demands a client certificate
// signed by the test's CA. The settings go through loadConfig exactly as an operator gives them: the standard
// TEMPORAL_* variables, or a TOML profile.

let pki: TestPki;
let proxy: TlsProxy;
let db: TestDatabase;

beforeAll(async () => {
  pki = makeTestPki();
  proxy = await startTlsProxy(pki, process.env.OODA_TEST_TEMPORAL_ADDRESS!);
  db = await createTestDatabase();
});
afterAll(async () => {
  await proxy?.close();
  await db?.drop();
});

/** The variables of a remote server at the proxy; its certificate names `localhost`, the test dials an IP. */
function tlsVariables(): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: proxy.address,
    TEMPORAL_TLS_SERVER_NAME: 'localhost',
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.ca,
    TEMPORAL_TLS_CLIENT_CERT_PATH: pki.client.cert,
    TEMPORAL_TLS_CLIENT_KEY_PATH: pki.client.key,
  };
}

/**
 * A worker (the test harness's, on the shared workflow bundle) and the API's composition root (runApi), both on the
 * config these variables make, create a quicktest bot through the API and wait for its first cycle.
 */
async function runsABotCycle(variables: Record<string, string>): Promise<void> {
  const queue = `tls-${randomBytes(4).toString('hex')}`;
  const config = loadConfig({ ...variables, TEMPORAL_TASK_QUEUE: queue, API_PORT: '0' });
  const accepted = proxy.accepted.length;
  const worker = await startTestWorker(db.deps, queue, temporalEndpoint(config.temporal));
  const api = await runApi(config, config.temporal.address!, db.pool);
  const id = `tls-${randomBytes(3).toString('hex')}`;
  try {
    const created = await fetch(`${api.api.url}/api/bots`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id, symbol: 'BTC/USD', intervalSeconds: 1 }),
    });
    expect(created.status).toBe(201);
    const bot = await eventually(
      async () => {
        const body = (await (await fetch(`${api.api.url}/api/bots/${id}`)).json()) as { cyclesCompleted?: number };
        return (body.cyclesCompleted ?? 0) >= 1 ? body : undefined;
      },
      60_000,
      'a bot cycle over TLS',
    );
    expect(bot.cyclesCompleted).toBeGreaterThanOrEqual(1);
    await api.client.workflow.getHandle(`bot-${id}`).terminate('test over');
  } finally {
    await api.stop();
    await worker.close();
  }
  // Every connection (the worker's, its client's, the API's) went through the proxy with the test's client certificate.
  const seen = proxy.accepted.slice(accepted);
  expect(seen.length).toBeGreaterThanOrEqual(3);
  expect(new Set(seen)).toEqual(new Set(['ooda-worker']));
}

it('given through the TEMPORAL_* variables, a worker and the API connect over mTLS and run a bot cycle', async () => {
  expect(loadConfig(tlsVariables()).temporal.tls).toMatchObject({ serverNameOverride: 'localhost' });
  await runsABotCycle(tlsVariables());
});

it('given through a TOML profile (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE), the same', async () => {
  const file = path.join(pki.dir, 'temporal.toml');
  writeFileSync(
    file,
    [
      '[profile.default]',
      'address = "127.0.0.1:1"', // another profile's address: TEMPORAL_PROFILE must choose
      '[profile.tls-test]',
      `address = "${proxy.address}"`,
      'namespace = "default"',
      '[profile.tls-test.tls]',
      'server_name = "localhost"',
      `server_ca_cert_path = "${pki.ca}"`,
      `client_cert_path = "${pki.client.cert}"`,
      `client_key_path = "${pki.client.key}"`,
    ].join('\n'),
  );
  const variables = { TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'tls-test' };
  expect(loadConfig(variables).temporal.address).toBe(proxy.address);
  await runsABotCycle(variables);
});

it('`--temporal remote`: the launched worker and API run on the server the variables name, the soak reads it', async () => {
  const accepted = proxy.accepted.length;
  const topology = await launchTopology({
    workers: 1,
    temporal: { remote: { env: tlsVariables() } },
    env: { WORKER_SHUTDOWN_GRACE_SECONDS: '5' },
    handleSignals: false,
  });
  let taskQueue: string | undefined;
  try {
    expect(topology.processes().map((p) => p.name)).not.toContain('temporal');
    expect(topology.temporalEndpoint).toMatchObject({ address: proxy.address, tls: expect.any(Object) });
    const [bot] = fleet(1, 1, `remote${randomBytes(3).toString('hex')}-`);
    await api(topology.apiUrl, 'POST', '/api/bots', bot);
    await eventually(
      async () => {
        const view = await api<{ cyclesCompleted?: number }>(topology.apiUrl, 'GET', `/api/bots/${bot.id}`);
        return (view.cyclesCompleted ?? 0) >= 2 ? view : undefined;
      },
      60_000,
      'two cycles on the remote server',
    );
    await api(topology.apiUrl, 'POST', `/api/bots/${bot.id}/stop`);
    await settle(topology, [bot]);
    // What the soak and the bench read after a run, through the same mTLS connection.
    const record = await readFleetRecord(topology, [bot.id]);
    const completed = record.bots[0].cycles.filter((c) => c.outcome === 'completed');
    expect(completed.length).toBeGreaterThanOrEqual(2);
    expect(record.audit).toMatchObject({ missingJournal: [], orphanJournal: [], accountMismatches: [] });
    expect(record.audit.journalRows).toBe(completed.length);
    const { client, close } = await topologyClient(topology);
    try {
      const handle = client.workflow.getHandle(`bot-${bot.id}`);
      taskQueue = (await handle.describe()).taskQueue;
      await handle.terminate('test over');
    } finally {
      await close();
    }
  } finally {
    await topology.stop();
  }
  // A queue of the run's own: no other worker on that namespace takes its tasks.
  expect(taskQueue).toMatch(/^ooda-run-[0-9a-f]{8}$/);
  const seen = proxy.accepted.slice(accepted);
  expect(seen.length).toBeGreaterThanOrEqual(3); // the worker, the API, the readers
  expect(new Set(seen)).toEqual(new Set(['ooda-worker']));
  // Never stopped: the server still answers after the topology is gone.
  const connection = await connectClient(temporalEndpoint(loadConfig(tlsVariables()).temporal), 2_000);
  await connection.workflowService.describeNamespace({ namespace: 'default' });
  await connection.close();
});

describe('a connection the server must refuse fails with a clear error', () => {
  const messageOf = (attempt: Promise<{ close(): Promise<void> }>) =>
    attempt.then(
      async (connection) => {
        await connection.close();
        return 'connected';
      },
      (err: Error) => err.message,
    );
  const fails = async (variables: Record<string, string>, reason: string) => {
    const endpoint = temporalEndpoint(loadConfig(variables).temporal);
    const expected = `cannot connect to Temporal at ${proxy.address} over TLS: ${reason}`;
    expect(await messageOf(connectClient(endpoint, 2_000))).toContain(expected);
    expect(await messageOf(connectWorker(endpoint))).toContain(expected);
  };

  it('without a client certificate', async () => {
    const { TEMPORAL_TLS_CLIENT_CERT_PATH: _cert, TEMPORAL_TLS_CLIENT_KEY_PATH: _key, ...noCert } = tlsVariables();
    await fails(noCert, 'the server requires a client certificate: set TEMPORAL_TLS_CLIENT_CERT_PATH');
  });

  it('trusting the wrong CA', async () => {
    await fails(
      { ...tlsVariables(), TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.otherCa },
      "the server's certificate is not signed by the trusted CA: check TEMPORAL_TLS_SERVER_CA_CERT_PATH",
    );
  });
});
