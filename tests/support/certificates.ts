import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// A throwaway PKI made with the system's `openssl`: a CA, a server certificate for `localhost` and a client
// certificate signed by it, and a second CA that signed neither (the wrong CA). Files only: paths are returned.

export interface TestPki {
  dir: string;
  ca: string;
  otherCa: string;
  server: { cert: string; key: string };
  client: { cert: string; key: string };
}

// P-256 keys: quick to make, and accepted by both TLS stacks in play (Node's OpenSSL, the worker's rustls).
const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function authority(dir: string, name: string): void {
  openssl(dir, [
    'req',
    '-x509',
    ...NEW_KEY,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
  ]);
}

/** A certificate for `name` signed by ca.pem, with the given X.509 v3 extensions. */
function leaf(dir: string, name: string, extensions: string[]): { cert: string; key: string } {
  openssl(dir, ['req', ...NEW_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
  writeFileSync(path.join(dir, `${name}.ext`), ['basicConstraints=CA:FALSE', ...extensions].join('\n'));
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.pem`,
  ]);
  return { cert: path.join(dir, `${name}.pem`), key: path.join(dir, `${name}.key`) };
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ooda-pki-'));
  for (const name of ['ca', 'other-ca']) authority(dir, name);
  return {
    dir,
    ca: path.join(dir, 'ca.pem'),
    otherCa: path.join(dir, 'other-ca.pem'),
    // Named for `localhost` only, not the IP the test dials: the connection must send the configured server name.
    server: leaf(dir, 'localhost', ['subjectAltName=DNS:localhost', 'extendedKeyUsage=serverAuth']),
    client: leaf(dir, 'ooda-worker', ['extendedKeyUsage=clientAuth']),
  };
}
