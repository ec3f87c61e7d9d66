import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

// Remote Temporal settings (src/temporal/profile.ts through loadConfig): what is read, and what garbage says.

const dir = mkdtempSync(path.join(os.tmpdir(), 'ooda-profile-'));
const file = (name: string, text: string) => {
  writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};
// Not a real certificate: loadConfig reads PEM files and checks their shape; TLS itself checks the rest.
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const cert = file('client.pem', PEM);
const key = file('client.key', PEM.replaceAll('CERTIFICATE', 'PRIVATE KEY'));
const ca = file('ca.pem', PEM);
const toml = file(
  'temporal.toml',
  [
    '[profile.default]',
    'address = "default.example:7233"',
    '[profile.cloud]',
    'address = "ns.acct.tmprl.cloud:7233"',
    'namespace = "ns.acct"',
    'api_key = "secret"',
    '[profile.mtls]',
    'address = "temporal.internal:7233"',
    '[profile.mtls.tls]',
    `client_cert_path = "${cert}"`,
    `client_key_path = "${key}"`,
    `server_ca_cert_path = "${ca}"`,
    'server_name = "temporal"',
  ].join('\n'),
);

describe('remote Temporal settings', () => {
  it('stay off when nothing is set: the embedded dev server, namespace "default", plaintext', () => {
    expect(loadConfig({ HOME: dir }).temporal).toMatchObject({ address: undefined, namespace: 'default' });
    expect(loadConfig({}).temporal.tls).toBeUndefined();
  });

  it('read the TEMPORAL_TLS_* variables: certificate pair, CA and server name', () => {
    const t = loadConfig({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS_CLIENT_CERT_PATH: cert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: key,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca,
      TEMPORAL_TLS_SERVER_NAME: 'temporal',
    }).temporal;
    expect(t.tls).toMatchObject({ serverNameOverride: 'temporal' });
    const tls = t.tls as { clientCertPair: { crt: Uint8Array }; serverRootCACertificate: Uint8Array };
    expect(Buffer.from(tls.clientCertPair.crt).toString()).toBe(PEM);
    expect(Buffer.from(tls.serverRootCACertificate).toString()).toBe(PEM);
  });

  it('read a profile; TEMPORAL_PROFILE chooses it and the variables override it', () => {
    const cloud = loadConfig({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'cloud' }).temporal;
    // An API key means TLS with the system's CAs, as Temporal Cloud needs.
    expect(cloud).toMatchObject({
      address: 'ns.acct.tmprl.cloud:7233',
      namespace: 'ns.acct',
      apiKey: 'secret',
      tls: true,
    });
    expect(loadConfig({ TEMPORAL_CONFIG_FILE: toml }).temporal.address).toBe('default.example:7233');
    const overridden = loadConfig({
      TEMPORAL_CONFIG_FILE: toml,
      TEMPORAL_PROFILE: 'mtls',
      TEMPORAL_NAMESPACE: 'other',
    });
    expect(overridden.temporal).toMatchObject({ address: 'temporal.internal:7233', namespace: 'other' });
    expect(overridden.temporal.tls).toMatchObject({ serverNameOverride: 'temporal' });
  });

  it.each([
    [
      'a missing certificate file',
      { TEMPORAL_TLS_CLIENT_CERT_PATH: '/nonexistent/c.pem', TEMPORAL_TLS_CLIENT_KEY_PATH: key },
      'TEMPORAL_TLS_CLIENT_CERT_PATH (client_cert_path): cannot read /nonexistent/c.pem (ENOENT)',
    ],
    [
      'a certificate without its key',
      { TEMPORAL_TLS_CLIENT_CERT_PATH: cert },
      'a TLS client certificate needs its key: set TEMPORAL_TLS_CLIENT_KEY_PATH',
    ],
    ['a key without its certificate', { TEMPORAL_TLS_CLIENT_KEY_PATH: key }, 'a TLS client key needs its certificate'],
    [
      'a CA file that is no PEM',
      { TEMPORAL_TLS_SERVER_CA_CERT_PATH: toml },
      'TEMPORAL_TLS_SERVER_CA_CERT_PATH (server_ca_cert_path): not PEM',
    ],
    [
      'TLS without an address',
      { TEMPORAL_ADDRESS: '', TEMPORAL_API_KEY: 'k' },
      'TLS or an API key is set but no address',
    ],
    [
      'an unknown profile',
      { TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'prod' },
      `Temporal profile in ${toml}: Profile 'prod' not found`,
    ],
    [
      'a missing profile file',
      { TEMPORAL_CONFIG_FILE: '/nonexistent/t.toml' },
      'TEMPORAL_CONFIG_FILE: cannot read /nonexistent/t.toml (ENOENT)',
    ],
    ['malformed TOML', { TEMPORAL_CONFIG_FILE: file('bad.toml', '[profile.default\naddress = 1') }, 'bad.toml: '],
    [
      'a misspelt key in the profile',
      { TEMPORAL_CONFIG_FILE: file('typo.toml', '[profile.default]\nadress = "x:1"') },
      'unrecognized in profile.default: adress',
    ],
    [
      'an address that is not host:port',
      { TEMPORAL_CONFIG_FILE: file('addr.toml', '[profile.default]\naddress = "https://x"') },
      'Temporal address "https://x" (profile): must be host:port',
    ],
    ['TEMPORAL_TLS that is no boolean', { TEMPORAL_TLS: 'maybe' }, 'TEMPORAL_TLS'],
  ])('refuse %s, saying so', (_what, env: Record<string, string>, said) => {
    // A profile brings its own address; the variables alone need one for TLS to make sense.
    const withAddress = 'TEMPORAL_CONFIG_FILE' in env ? env : { TEMPORAL_ADDRESS: 'temporal.internal:7233', ...env };
    expect(() => loadConfig(withAddress)).toThrow(ConfigError);
    expect(() => loadConfig(withAddress)).toThrow(said);
  });
});
