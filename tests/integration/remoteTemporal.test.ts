import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { type AppConfig, loadConfig } from '../../src/config';
import { resolveBotConfig } from '../../src/domain/botConfig';
import { connectClient, connectWorker, temporalEndpoint } from '../../src/temporal/connection';
import type { botWorkflow } from '../../src/workflows/bot';
import { statusQuery } from '../../src/workflows/messages';
import { makeTestPki, type TestPki } from '../support/certificates';
import { createTestDatabase, eventually, startTestWorker, type TestDatabase } from '../support/harness';
import { startTlsProxy, type TlsProxy } from '../support/tlsProxy';

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

/** A worker and a client on `config` (over the proxy), one quicktest bot, until it has completed a cycle. */
async function runsABotCycle(config: AppConfig): Promise<void> {
  const accepted = proxy.accepted.length;
  const temporal = await startTestWorker(
    db.deps,
    `tls-${randomBytes(4).toString('hex')}`,
    temporalEndpoint(config.temporal),
  );
  try {
    const id = `tls-${randomBytes(3).toString('hex')}`;
    const bot = resolveBotConfig({ id, symbol: 'BTC/USD', intervalSeconds: 1 }, { marketDataMode: 'quicktest' });
    const handle = await temporal.client.workflow.start<typeof botWorkflow>('botWorkflow', {
      workflowId: `bot-${id}`,
      taskQueue: temporal.taskQueue,
      args: [{ config: bot }],
    });
    const status = await eventually(
      async () => {
        const s = await handle.query(statusQuery);
        return s.cyclesCompleted >= 1 ? s : undefined;
      },
      60_000,
      'a bot cycle over TLS',
    );
    expect(status.lastCycle?.cycle).toBeGreaterThanOrEqual(1);
    await handle.terminate('test over');
  } finally {
    await temporal.close();
  }
  // Both connections (the worker's and the client's) went through the proxy, each with the test's client certificate.
  expect(proxy.accepted.slice(accepted)).toEqual(expect.arrayContaining(['ooda-worker', 'ooda-worker']));
  expect(proxy.accepted.length - accepted).toBeGreaterThanOrEqual(2);
}

it('given through the TEMPORAL_* variables, a worker and a client connect over mTLS and run a bot cycle', async () => {
  const config = loadConfig(tlsVariables());
  expect(config.temporal.tls).toMatchObject({ serverNameOverride: 'localhost' });
  await runsABotCycle(config);
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
  const config = loadConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'tls-test' });
  expect(config.temporal.address).toBe(proxy.address);
  await runsABotCycle(config);
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
