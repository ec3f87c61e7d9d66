import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  BURST_LIMIT_TEXT,
  NOTE_RATE_LIMIT_TEXT,
  dailyQuotaText,
  PREMIUM_TEXT,
  DEMO_KEY_TEXT,
  NO_ARTICLES_TEXT,
  errorMessageText,
  okBody,
  emptyBody,
  wanderFactor,
  type LiveQuotes,
  type Params,
  type PriceWander,
} from './fakeAlphaVantageBodies';

export type { PriceWander } from './fakeAlphaVantageBodies';

// A real HTTP server standing in for https://www.alphavantage.co/query, so the client is tested over real
// sockets (timeouts, aborted requests, 5xx) without spending a free key's 25 requests a day. Bodies have the
// service's real shapes; prices follow a deterministic random walk so runs are reproducible. Every answer is
// HTTP 200 unless a behaviour says otherwise, because that is how the real service reports its errors.

export type FakeBehaviour =
  | 'ok'
  | 'ok-old-format'
  | 'hang'
  | 'http-500'
  | 'http-502'
  | 'burst-limit'
  | 'note-rate-limit'
  | 'daily-quota'
  | 'premium'
  | 'demo-key'
  | 'error-message'
  | 'information'
  | 'malformed-json'
  | 'empty-series'
  | 'no-articles'
  | FakeSlowResponse
  | FakeCustomResponse;

/** A normal answer, sent after a delay: a slow service, or a request still in flight when a worker stops. */
export interface FakeSlowResponse {
  delayMs: number;
}

/** A scripted answer: a string body is sent as-is, anything else as JSON. */
export interface FakeCustomResponse {
  status?: number;
  body: unknown;
}

export interface FakeRequest {
  function: string;
  /** Every query parameter, apikey included. */
  params: Record<string, string>;
  at: Date;
}

export interface FakeAlphaVantage {
  /** Base URL to pass to the client, e.g. http://127.0.0.1:PORT/query */
  url: string;
  /** The "current time" the generated bodies are relative to. */
  now: Date;
  requests: FakeRequest[];
  /** Default behaviour for every later request to `fn`. */
  respondWith(fn: string, behaviour: FakeBehaviour): void;
  /** One-shot behaviours for the next requests to `fn`, used before the default. */
  queue(fn: string, ...behaviours: FakeBehaviour[]): void;
  /** Stops the server and cuts hung requests, so no handle stays open. */
  close(): Promise<void>;
}

export interface FakeAlphaVantageOptions {
  now?: Date;
  /** Rows in DIGITAL_CURRENCY_DAILY answers (the real service sends years; indicators need ~60). */
  cryptoDays?: number;
  /** 0 (default) picks a free port. */
  port?: number;
  /**
   * Off by default (every rate is fixed). On: exchange rates (and today's daily bar) move with the wall clock
   * from the moment the fake starts, e.g. { periodSeconds: 120, amplitude: 0.04 } swings BTC/USD by up to ±4 %
   * over two minutes, and are stamped with the wall clock so they never look stale to the risk check.
   */
  priceWander?: PriceWander;
}

interface Answer {
  status: number;
  body: string;
  contentType: string;
}

const json = (body: unknown, status = 200): Answer => ({
  status,
  body: JSON.stringify(body, null, 4),
  contentType: 'application/json',
});

function answer(
  behaviour: Exclude<FakeBehaviour, 'hang' | FakeSlowResponse>,
  fn: string,
  q: Params,
  now: Date,
  days: number,
  live?: LiveQuotes,
): Answer {
  if (typeof behaviour === 'object') {
    const status = behaviour.status ?? 200;
    if (typeof behaviour.body === 'string') return { status, body: behaviour.body, contentType: 'text/plain' };
    return json(behaviour.body, status);
  }
  switch (behaviour) {
    case 'ok':
    case 'ok-old-format':
      return json(okBody(fn, now, q, behaviour === 'ok-old-format', days, live));
    case 'http-500':
      return { status: 500, body: 'Internal Server Error', contentType: 'text/plain' };
    case 'http-502':
      return {
        status: 502,
        body: '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>',
        contentType: 'text/html',
      };
    case 'burst-limit':
      return json({ Information: BURST_LIMIT_TEXT });
    case 'note-rate-limit':
      return json({ Note: NOTE_RATE_LIMIT_TEXT });
    case 'daily-quota':
      return json({ Information: dailyQuotaText(q.apikey ?? '') });
    case 'premium':
      return json({ Information: PREMIUM_TEXT });
    case 'demo-key':
      return json({ Information: DEMO_KEY_TEXT });
    case 'error-message':
      return json({ 'Error Message': errorMessageText(fn) });
    case 'information':
      return json({ Information: 'Invalid inputs. Please refer to the API documentation and try again.' });
    case 'malformed-json':
      return {
        status: 200,
        body: '{\n    "Meta Data": {\n        "1. Information": "Daily Pri',
        contentType: 'application/json',
      };
    case 'empty-series':
      return json(emptyBody(fn, now, q, days));
    case 'no-articles':
      return json({ Information: NO_ARTICLES_TEXT });
  }
}

export async function startFakeAlphaVantage(options: FakeAlphaVantageOptions = {}): Promise<FakeAlphaVantage> {
  const now = options.now ?? new Date();
  const days = options.cryptoDays ?? 100;
  const defaults = new Map<string, FakeBehaviour>();
  const queues = new Map<string, FakeBehaviour[]>();
  const requests: FakeRequest[] = [];
  const sockets = new Set<Socket>();
  const startedAt = Date.now();
  const wander = options.priceWander;
  const liveQuotes = (): LiveQuotes | undefined =>
    wander && {
      at: new Date(),
      factor: (pair) => wanderFactor(pair, wander, (Date.now() - startedAt) / 1000),
    };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const params = Object.fromEntries(url.searchParams.entries());
    const fn = params.function ?? '';
    requests.push({ function: fn, params, at: new Date() });
    const behaviour = queues.get(fn)?.shift() ?? defaults.get(fn) ?? 'ok';
    if (behaviour === 'hang') return; // never answer; close() cuts the socket
    const slow = typeof behaviour === 'object' && 'delayMs' in behaviour ? behaviour : null;
    const sent = slow ? 'ok' : (behaviour as Exclude<FakeBehaviour, 'hang' | FakeSlowResponse>);
    const { status, body, contentType } = answer(sent, fn, params, now, days, liveQuotes());
    setTimeout(() => {
      res.writeHead(status, { 'content-type': contentType });
      res.end(body);
    }, slow?.delayMs ?? 0);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/query`,
    now,
    requests,
    respondWith: (fn, behaviour) => void defaults.set(fn, behaviour),
    queue: (fn, ...behaviours) => void queues.set(fn, [...(queues.get(fn) ?? []), ...behaviours]),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
