import { z } from 'zod';
import { BOT_LIST_MAX, PAGE_MAX } from './bots';

// The query and path schemas the routes validate with; the OpenAPI document is generated from the same ones.

export const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(BOT_LIST_MAX).default(50),
});

/** Pages: `limit` (1-200, default 50) and the opaque `cursor` a previous page returned as `nextCursor`. */
export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(PAGE_MAX).default(50),
  cursor: z.string().max(200).optional(),
});

export const equityQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(10_000).default(1000) });

export const cycleParam = z.coerce.number().int().min(1).max(2_147_483_647);

export const botIdParam = z.string().meta({ description: 'The bot id: 1-40 of a-z, 0-9, "-" or "_"' });

/** Every error the API answers: 4xx for bad input, 401, 404, 409, 413, 429, 503 naming what is down. */
export const errorBody = z.object({
  error: z.object({
    code: z.string().meta({ example: 'invalid_config' }),
    message: z.string(),
    details: z.unknown().nullable(),
  }),
});

const cycleNumber = z.number().int().min(1).max(2_147_483_647);

/** POST /api/bots/:id/whatif: another strategy or other params over the bot's journaled cycles (read-only). */
export const whatIfBody = z
  .strictObject({
    strategy: z.string().min(1).max(100).meta({ description: 'A strategy name', example: 'rsi-mean-reversion' }),
    params: z
      .record(z.string(), z.number().finite())
      .default({})
      .meta({ description: "The strategy's params; defaults fill the rest", example: { period: 10 } }),
    from: cycleNumber.optional().meta({ description: 'First journaled cycle replayed (default: the first)' }),
    to: cycleNumber.optional().meta({ description: 'Last journaled cycle replayed, inclusive (default: the last)' }),
  })
  .refine((b) => b.from === undefined || b.to === undefined || b.from <= b.to, {
    message: 'from must not be after to',
    path: ['from'],
  });
