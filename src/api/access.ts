import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ApiError } from './errors';

// Who may do what over HTTP. With a token, every mutation needs `Authorization: Bearer <token>` (and every read
// too when reads are protected); without one the API is for this machine only, so it must not listen beyond
// loopback (startApiServer refuses, naming API_TOKEN).

export interface ApiAccess {
  /** API_TOKEN; undefined: no token, loopback only. */
  token?: string;
  /** API_PROTECT_READS: reads need the token too. Liveness and readiness never do. */
  protectReads: boolean;
  /** API_RATE_LIMIT_PER_MINUTE: requests a minute per client address; 0: no limit. Default 600. */
  rateLimitPerMinute?: number;
}

export const OPEN_LOCALLY: ApiAccess = { protectReads: false };
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;

const MUTATIONS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const ALWAYS_OPEN = new Set(['/healthz', '/readyz']);

// Both sides hashed first: timingSafeEqual needs equal lengths, and the digest hides the token's length.
const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Checks the bearer token, in constant time, before the body is even read; 401 and nothing changes otherwise. */
export function requireToken(access: ApiAccess): RequestHandler {
  if (!access.token) return (_req, _res, next) => next();
  const expected = digest(access.token);
  return (req, res, next) => {
    const guarded = MUTATIONS.has(req.method) || (access.protectReads && !ALWAYS_OPEN.has(req.path));
    if (!guarded) return next();
    const presented = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1];
    if (presented !== undefined && timingSafeEqual(digest(presented), expected)) return next();
    res.set('WWW-Authenticate', 'Bearer realm="ooda-bot"');
    next(
      new ApiError(
        401,
        'unauthorized',
        presented === undefined ? 'this request needs "Authorization: Bearer <API_TOKEN>"' : 'wrong bearer token',
      ),
    );
  };
}
