import { isIP } from 'node:net';
import { connect } from 'node:tls';
import type { TLSConfig } from '@temporalio/client';

// Why a TLS connection to Temporal fails, in words an operator can act on. The client SDK only says "Failed to
// connect before the deadline" after 10 s; one handshake of our own with the same settings names the cause.

const HINTS: [RegExp, string][] = [
  [
    /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT/,
    "the server's certificate is not signed by the trusted CA: check TEMPORAL_TLS_SERVER_CA_CERT_PATH (server_ca_cert_path)",
  ],
  [/ERR_TLS_CERT_ALTNAME_INVALID/, "the server's certificate names another host: set TEMPORAL_TLS_SERVER_NAME"],
  [
    /CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE/,
    'the server requires a client certificate: set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH',
  ],
  [/BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN/, 'the server refused the client certificate'],
  [
    /WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG/,
    'the server does not speak TLS: unset TEMPORAL_TLS and the TLS files',
  ],
];

/** The TLS handshake's failure at `address` with these settings, or undefined when it succeeds (or cannot tell). */
export function tlsProblem(address: string, tls: TLSConfig, timeoutMs = 3_000): Promise<string | undefined> {
  const host = address.slice(0, address.lastIndexOf(':'));
  const port = Number(address.slice(address.lastIndexOf(':') + 1));
  const servername = tls.serverNameOverride ?? (isIP(host) ? undefined : host);
  return new Promise((resolve) => {
    const socket = connect({
      host,
      port,
      servername,
      ca: tls.serverRootCACertificate && Buffer.from(tls.serverRootCACertificate),
      cert: tls.clientCertPair && Buffer.from(tls.clientCertPair.crt),
      key: tls.clientCertPair && Buffer.from(tls.clientCertPair.key),
      ALPNProtocols: ['h2'],
    });
    const finish = (problem: string | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(problem);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    socket.on('error', (err: NodeJS.ErrnoException & { reason?: string }) => {
      // OpenSSL's errors carry a short `reason`; their message is a line of library internals.
      const said = `${err.reason ?? err.message}${err.code ? ` (${err.code})` : ''}`;
      const hint = HINTS.find(([pattern]) => pattern.test(`${err.code} ${err.message.toUpperCase()}`));
      finish(hint ? `${hint[1]}; TLS said: ${said}` : `TLS said: ${said}`);
    });
    // TLS 1.3: the server checks the client's certificate after the client considers the handshake done, and
    // answers a refusal with an alert: read for a moment before calling it a success.
    socket.on('secureConnect', () => setTimeout(() => finish(undefined), 500));
    socket.resume();
  });
}
