import { ServiceError } from '@temporalio/client';
import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import { InvalidSettingError } from '../trading/settings';
import { UnknownStrategyError } from '../trading/strategies';

/** A failure the API answers with its own status and code: `{ "error": { "code", "message", "details" } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);

export const errorMiddleware: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  if (err instanceof ApiError) {
    res.status(err.status).json({ error: { code: err.code, message: err.message, details: err.details ?? null } });
    return;
  }
  if (err instanceof ZodError) {
    const details = err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    res.status(400).json({
      error: {
        code: 'invalid_request',
        message: details.map((d) => `${d.path || 'body'}: ${d.message}`).join('; '),
        details,
      },
    });
    return;
  }
  // A config the schema accepts but the trading code cannot run: unknown strategy, bad params or risk limits.
  if (err instanceof UnknownStrategyError || err instanceof InvalidSettingError) {
    res.status(400).json({ error: { code: 'invalid_config', message: err.message, details: null } });
    return;
  }
  // express.json() failures: malformed JSON, a body too large, a wrong charset.
  const e = err as { type?: string; status?: number; message?: string };
  if (e.type === 'entity.parse.failed') {
    res.status(400).json({ error: { code: 'invalid_json', message: 'request body is not valid JSON', details: null } });
    return;
  }
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    res
      .status(e.status)
      .json({ error: { code: e.type ?? 'bad_request', message: e.message ?? 'bad request', details: null } });
    return;
  }
  // A dependency that is down is the server's trouble, not the caller's: 503, naming which one.
  if (err instanceof ServiceError) {
    res
      .status(503)
      .json({ error: { code: 'temporal_unavailable', message: `Temporal: ${err.message}`, details: null } });
    return;
  }
  const code = (err as { code?: string }).code;
  if (
    code === 'ECONNREFUSED' ||
    code === '57P01' ||
    code === '57P03' ||
    /Connection terminated/.test(e.message ?? '')
  ) {
    res
      .status(503)
      .json({ error: { code: 'database_unavailable', message: 'Postgres is not answering', details: null } });
    return;
  }
  // pino-http's request logger when the API has one (the line carries the request id), else stderr.
  if (req.log) req.log.error({ err }, 'api: unexpected error');
  else console.error('api: unexpected error', err);
  res.status(500).json({ error: { code: 'internal', message: 'internal error', details: null } });
};
