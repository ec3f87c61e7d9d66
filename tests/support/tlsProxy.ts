import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { createServer, type TLSSocket } from 'node:tls';
import type { TestPki } from './certificates';

// Temporal with mTLS in front of the plaintext dev server (its CLI has no TLS flags): TLS ends here, and each
// connection is piped to the server's gRPC port. gRPC's HTTP/2 frames pass through unchanged.

export interface TlsProxy {
  address: string;
  /** The common names of the client certificates it accepted, one per connection. */
  accepted: string[];
  close(): Promise<void>;
}

export async function startTlsProxy(pki: TestPki, upstream: string): Promise<TlsProxy> {
  const [host, port] = [upstream.slice(0, upstream.lastIndexOf(':')), Number(upstream.split(':').pop())];
  const accepted: string[] = [];
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const server = createServer(
    {
      key: readFileSync(pki.server.key),
      cert: readFileSync(pki.server.cert),
      ca: readFileSync(pki.ca),
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ['h2'],
    },
    (client: TLSSocket) => {
      accepted.push(String(client.getPeerCertificate().subject.CN));
      const server = connect(port, host);
      track(client);
      track(server);
      client.pipe(server).pipe(client);
      client.on('close', () => server.destroy());
      server.on('close', () => client.destroy());
    },
  );
  // A refused handshake is the point of some tests, not an error of the proxy.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: own } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${own}`,
    accepted,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
