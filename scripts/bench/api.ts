import { mapLimit } from '../soak/run';

// The bench drives bots as an operator would: through the REST API.

export interface BotSpec {
  id: string;
  symbol: string;
  marketDataMode: 'quicktest' | 'live';
  intervalSeconds: number;
  strategy?: { name: string; params: Record<string, number> };
}

export class ApiCallError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

export async function api<T>(base: string, method: string, route: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${base}${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw new ApiCallError(`${method} ${route}: ${(err as Error).message}`, null);
  }
  const text = await res.text();
  if (!res.ok) throw new ApiCallError(`${method} ${route}: HTTP ${res.status} ${text.slice(0, 300)}`, res.status);
  return JSON.parse(text) as T;
}

/**
 * An API call that an overloaded server may refuse (503 after the API's 5 s deadline on Temporal, a timeout):
 * tried up to `attempts` times, a second apart. `done` says which refusals mean it already happened (a create
 * whose first attempt timed out after the server had started the bot answers 409 the second time).
 */
async function persistent(call: () => Promise<unknown>, done: (status: number | null) => boolean, attempts = 4) {
  for (let attempt = 1; ; attempt++) {
    try {
      await call();
      return;
    } catch (err) {
      if (!(err instanceof ApiCallError)) throw err;
      if (attempt > 1 && done(err.status)) return;
      if (attempt >= attempts || (err.status !== null && err.status < 500 && err.status !== 409)) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

const sleepUntil = (atMs: number) => new Promise((r) => setTimeout(r, Math.max(0, atMs - Date.now())));

/**
 * Creates the bots through the API, at most `concurrency` requests in flight; resolves with those the API
 * still refused after a few attempts. With `spreadMs`, bot i is created
 * at start + i x spreadMs / n, so that the fleet's slots are spread over the interval as bots created at
 * different times would be, instead of all falling due in the same second.
 */
export async function createBots(
  apiUrl: string,
  bots: readonly BotSpec[],
  opts: { concurrency?: number; spreadMs?: number } = {},
): Promise<{ startedAtMs: number; doneAtMs: number; failed: string[] }> {
  const startedAtMs = Date.now();
  const spread = opts.spreadMs ?? 0;
  const timed = bots.map((bot, i) => ({ bot, at: startedAtMs + (spread * i) / bots.length }));
  const failed: string[] = [];
  await mapLimit(timed, opts.concurrency ?? 16, async ({ bot, at }) => {
    await sleepUntil(at);
    await persistent(
      () => api(apiUrl, 'POST', '/api/bots', bot),
      (status) => status === 409,
    ).catch(() => void failed.push(bot.id));
  });
  return { startedAtMs, doneAtMs: Date.now(), failed };
}

/** Stops the bots; resolves with those the API still refused after a few attempts (an overloaded server). */
export async function stopBots(apiUrl: string, ids: readonly string[], concurrency = 16): Promise<string[]> {
  const refused: string[] = [];
  await mapLimit(ids, concurrency, (id) =>
    persistent(
      () => api(apiUrl, 'POST', `/api/bots/${id}/stop`),
      () => false,
    ).catch(() => void refused.push(id)),
  );
  return refused;
}

export async function cyclesCompleted(apiUrl: string, id: string): Promise<number> {
  return (await api<{ cyclesCompleted: number }>(apiUrl, 'GET', `/api/bots/${id}`)).cyclesCompleted;
}

export { sleepUntil };
