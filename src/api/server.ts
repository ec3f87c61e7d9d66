import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express, { type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { z } from 'zod';
import { ConfigError } from '../config';
import { type ApiAccess, DEFAULT_RATE_LIMIT_PER_MINUTE, OPEN_LOCALLY, requireToken } from './access';
import { bindingProblem } from './binding';
import {
  BOT_LIST_MAX,
  type BotsContext,
  archiveBot,
  changeBotConfig,
  commandBot,
  createBot,
  getBot,
  getStats,
  listBots,
  equitySeries,
  listCycles,
  listTrades,
  PAGE_MAX,
  readiness,
} from './bots';
import { ApiError, errorMiddleware } from './errors';
import { explainCycle, explainTrade } from './explain';

export interface ApiServer {
  url: string;
  server: Server;
  stop(): Promise<void>;
}

const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(BOT_LIST_MAX).default(50),
});

/** Pages: `limit` (1-200, default 50) and the opaque `cursor` a previous page returned as `nextCursor`. */
const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(PAGE_MAX).default(50),
  cursor: z.string().max(200).optional(),
});
const equityQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(10_000).default(1000) });
const cycleParam = z.coerce.number().int().min(1).max(2_147_483_647);

// The operator's dashboard at `/`: static files read from src/ at run time (tsc copies no HTML), so the same path
// holds from src/ (tsx, jest) and from dist/. The charting library's browser build comes from node_modules.
const DASHBOARD_DIR = path.resolve(__dirname, '..', '..', 'src', 'api', 'dashboard');
const LIGHTWEIGHT_CHARTS = path.join(
  path.dirname(require.resolve('lightweight-charts/package.json')),
  'dist',
  'lightweight-charts.standalone.production.js',
);

export function createApp(ctx: BotsContext, access: ApiAccess = OPEN_LOCALLY): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(helmet());
  // Per client address, before anything else runs: a script gone wild (or a token guesser) is slowed to the
  // limit and answered 429, in the API's error shape. Liveness and readiness are exempt. 600 a minute is far
  // above a dashboard polling every few seconds; a load test driving hundreds of bots turns it off (0).
  const limit = access.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE;
  if (limit > 0) {
    app.use(
      rateLimit({
        windowMs: 60_000,
        limit,
        standardHeaders: 'draft-8',
        legacyHeaders: false,
        skip: (req) => req.path === '/healthz' || req.path === '/readyz',
        handler: (_req, _res, next) =>
          next(new ApiError(429, 'rate_limited', `more than ${limit} requests a minute; slow down`)),
      }),
    );
  }
  // The dashboard's files hold no data, so they load without the token; the page asks for it when the API does.
  app.get('/vendor/lightweight-charts.js', (_req, res) => res.sendFile(LIGHTWEIGHT_CHARTS));
  app.use(express.static(DASHBOARD_DIR));
  // The token is checked before the body is read: an unauthenticated request costs no parsing.
  app.use(requireToken(access));
  app.use(express.json({ limit: '16kb' }));

  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/readyz', async (_req, res) => {
    const r = await readiness(ctx);
    res.status(r.ready ? 200 : 503).json({ status: r.ready ? 'ready' : 'not_ready', checks: r.checks });
  });
  app.get('/metrics', async (_req, res) => {
    res.set('content-type', ctx.metrics.contentType).send(await ctx.metrics.metrics());
  });
  app.get('/api/bots', async (req: Request, res: Response) => {
    const { limit } = listQuery.parse(req.query);
    res.json({ bots: await listBots(ctx, limit) });
  });
  app.post('/api/bots', async (req: Request, res: Response) => {
    res.status(201).json(await createBot(ctx, req.body ?? {}));
  });
  app.post('/api/bots/:id/start', async (req: Request<{ id: string }>, res: Response) => {
    res.json(await commandBot(ctx, req.params.id, 'start'));
  });
  app.post('/api/bots/:id/stop', async (req: Request<{ id: string }>, res: Response) => {
    res.json(await commandBot(ctx, req.params.id, 'stop'));
  });
  app.delete('/api/bots/:id', async (req: Request<{ id: string }>, res: Response) => {
    const { archived, status } = await archiveBot(ctx, req.params.id);
    res.status(archived ? 200 : 202).json({ id: req.params.id, archived, status });
  });
  app.patch('/api/bots/:id/config', async (req: Request<{ id: string }>, res: Response) => {
    res.json(await changeBotConfig(ctx, req.params.id, req.body ?? {}));
  });
  app.get('/api/bots/:id', async (req: Request<{ id: string }>, res: Response) => {
    res.json(await getBot(ctx, req.params.id));
  });
  app.get('/api/bots/:id/stats', async (req: Request<{ id: string }>, res: Response) => {
    res.json(await getStats(ctx, req.params.id));
  });
  app.get('/api/bots/:id/trades', async (req: Request<{ id: string }>, res: Response) => {
    const { limit, cursor } = pageQuery.parse(req.query);
    res.json(await listTrades(ctx, req.params.id, limit, cursor));
  });
  app.get('/api/bots/:id/cycles', async (req: Request<{ id: string }>, res: Response) => {
    const { limit, cursor } = pageQuery.parse(req.query);
    res.json(await listCycles(ctx, req.params.id, limit, cursor));
  });
  app.get('/api/bots/:id/cycles/:n', async (req: Request<{ id: string; n: string }>, res: Response) => {
    const n = cycleParam.safeParse(req.params.n);
    if (!n.success) throw new ApiError(400, 'invalid_cycle', `"${req.params.n}" is not a cycle number (1, 2, ...)`);
    res.json(await explainCycle(ctx, req.params.id, n.data));
  });
  app.get('/api/bots/:id/equity', async (req: Request<{ id: string }>, res: Response) => {
    const { limit } = equityQuery.parse(req.query);
    res.json(await equitySeries(ctx, req.params.id, limit));
  });
  app.get('/api/trades/:tradeId', async (req: Request<{ tradeId: string }>, res: Response) => {
    res.json(await explainTrade(ctx, req.params.tradeId));
  });
  app.use((req, _res, next) => next(new ApiError(404, 'not_found', `no route for ${req.method} ${req.path}`)));
  app.use(errorMiddleware);
  return app;
}

const DRAIN_MS = 10_000;

/**
 * Starts the real HTTP server; port 0 picks a free port (tests). Refuses (ConfigError) to listen beyond loopback
 * without a token.
 */
export async function startApiServer(
  ctx: BotsContext,
  host: string,
  port: number,
  access: ApiAccess = OPEN_LOCALLY,
): Promise<ApiServer> {
  const problem = bindingProblem(host, access);
  if (problem) throw new ConfigError(`invalid configuration:\n  ${problem}`);
  const app = createApp(ctx, access);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`,
    server,
    // Drains: no new connections, idle keep-alive sockets close now, requests in flight finish (every Temporal
    // call has a 5 s deadline); whatever is still open after DRAIN_MS is cut.
    stop: () =>
      new Promise<void>((resolve) => {
        const cut = setTimeout(() => server.closeAllConnections(), DRAIN_MS);
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
