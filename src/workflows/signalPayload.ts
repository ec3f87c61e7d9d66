// What a `start` or `stop` signal may carry: nothing, null, or an object with an optional `reason` string (the
// Temporal UI and CLI send `null` or `{}` when no input is given). Anything else is rejected: counted and shown
// in the bot's status, never applied, and never a failed workflow task.

const MAX_REASON = 200;

/** null when the payload is acceptable; otherwise why it is not. */
export function signalPayloadProblem(args: unknown[]): string | null {
  if (args.length > 1) return `expected at most one argument, got ${args.length}`;
  const [payload] = args;
  if (payload === undefined || payload === null) return null;
  if (typeof payload !== 'object' || Array.isArray(payload)) {
    return `expected no input or an object like {"reason": "..."}, got ${describe(payload)}`;
  }
  const unknown = Object.keys(payload).filter((k) => k !== 'reason');
  if (unknown.length) return `unknown field(s): ${unknown.slice(0, 5).join(', ')}`;
  const { reason } = payload as { reason?: unknown };
  if (reason !== undefined && (typeof reason !== 'string' || reason.length > MAX_REASON)) {
    return `reason must be a string of at most ${MAX_REASON} characters`;
  }
  return null;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return `${typeof value} ${text.length > 60 ? `${text.slice(0, 60)}...` : text}`;
}
