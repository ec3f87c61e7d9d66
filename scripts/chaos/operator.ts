import { sleep } from '../topology/ownedProcess';

// Operator traffic through the REST API, as an operator would send it in the middle of an incident: retried
// until the API accepts it, and counted, so the invariants can check that every accepted request was applied.
// An attempt that may have reached Temporal without an answer (a timeout, a 5xx) is counted as ambiguous: it
// may or may not have been applied, so one extra signal per ambiguous attempt is allowed, never a missing one.

export interface ApiAnswer {
  status: number | null;
  body: unknown;
  /** Network failure (no HTTP answer). */
  error?: string;
}

export async function apiRequest(base: string, method: string, route: string, body?: unknown): Promise<ApiAnswer> {
  try {
    const res = await fetch(`${base}${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { status: null, body: null, error: e.cause?.code ?? e.name ?? e.message };
  }
}

export interface OperatorOutcome {
  /** When the API accepted it (epoch ms); null if it never did. */
  acceptedAt: number | null;
  attempts: number;
  /** Attempts that may have been applied without being acknowledged. */
  ambiguous: number;
  /** The accepting answer's status, or the last one seen. */
  status: number | null;
  /** That answer's body. */
  body?: unknown;
  /** Why it was never accepted, or how it was accepted when not plainly. */
  note?: string;
}

/** Never sent: the API process was down (connection refused). */
const notSent = (a: ApiAnswer) => a.status === null && a.error === 'ECONNREFUSED';

/**
 * Sends one operator request until the API accepts it (or `deadlineMs` passes). `acceptedAlready` recognises an
 * answer that means an earlier ambiguous attempt already did it (409 bot_exists after a lost 201).
 */
export async function sendUntilAccepted(
  base: string,
  method: string,
  route: string,
  body: unknown,
  ok: (status: number) => boolean,
  deadlineMs = 120_000,
  acceptedAlready?: (a: ApiAnswer) => boolean,
): Promise<OperatorOutcome> {
  const deadline = Date.now() + deadlineMs;
  const outcome: OperatorOutcome = { acceptedAt: null, attempts: 0, ambiguous: 0, status: null };
  for (;;) {
    outcome.attempts += 1;
    const answer = await apiRequest(base, method, route, body);
    outcome.status = answer.status;
    outcome.body = answer.body;
    if (answer.status !== null && ok(answer.status)) {
      outcome.acceptedAt = Date.now();
      return outcome;
    }
    if (outcome.ambiguous > 0 && acceptedAlready?.(answer)) {
      outcome.acceptedAt = Date.now();
      outcome.note = `accepted by an earlier attempt (then HTTP ${answer.status})`;
      return outcome;
    }
    if (answer.status !== null && answer.status >= 400 && answer.status < 500) {
      outcome.note = `rejected: HTTP ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`;
      return outcome;
    }
    if (!notSent(answer)) outcome.ambiguous += 1;
    if (Date.now() > deadline) {
      outcome.note = `not accepted within ${deadlineMs / 1000} s: ${answer.status ?? answer.error}`;
      return outcome;
    }
    await sleep(1000);
  }
}

export interface BotViewLite {
  running: boolean;
  phase: string;
  config?: Record<string, unknown>;
}

/** The bot's own view (GET /api/bots/:id); null when the API cannot answer now. */
export async function botView(base: string, id: string): Promise<BotViewLite | null> {
  const a = await apiRequest(base, 'GET', `/api/bots/${id}`);
  return a.status === 200 ? (a.body as BotViewLite) : null;
}

/**
 * A start or stop the API answered 202: no worker applied its update in time, so it went as the signal, and the
 * update may still apply late. Both applying is the designed outcome (a second start or stop changes nothing),
 * so it counts as one more ambiguous attempt: one extra application allowed.
 */
export function fellBackToSignal(outcome: OperatorOutcome): OperatorOutcome {
  if (outcome.acceptedAt === null || outcome.status !== 202) return outcome;
  return { ...outcome, ambiguous: outcome.ambiguous + 1, note: 'sent as the signal (202); the update may apply too' };
}
