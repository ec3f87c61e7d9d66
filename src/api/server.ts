import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { ConfigError } from '../config';
import { type ApiAccess, DEFAULT_RATE_LIMIT_PER_MINUTE, OPEN_LOCALLY, requireToken } from './access';
import { bindingProblem } from './binding';
import {
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
  readiness,
} from './bots';
import { ApiError, errorMiddleware } from './errors';
import { explainCycle, explainTrade } from './explain';
import { openApiDocument, SWAGGER_UI_DIR } from './openapi';
import { runWhatIf } from './whatif';
import { cycleParam, equityQuery, listQuery, pageQuery } from './schemas';

export interface ApiServer {
  url: string;
  server: Server;
  stop(): Promise<void>;
}

const REQUEST_ID = /^[\w.:-]{1,100}$/;

// The operator's dashboard at `/`: static files read from src/ at run time (tsc copies no HTML), so the same path
// holds from src/ (tsx, jest) and from dist/. The charting library's browser build comes from node_modules.
const DASHBOARD_DIR = path.resolve(__dirname, '..', '..', 'src', 'api', 'dashboard');
const LIGHTWEIGHT_CHARTS = path.join(
  path.dirname(require.resolve('lightweight-charts/package.json')),
  'dist',
  'lightweight-charts.standalone.production.js',
);

export function createApp(ctx: BotsContext, access: ApiAccess = OPEN_LOCALLY, logger?: Logger): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(helmet());
  // One JSON line per request (method, path, status, time taken) with its id, which the answer carries as
  // x-request-id; a caller's own x-request-id is kept when it looks like one. The Authorization header is
  // redacted by the logger.
  if (logger) {
    app.use(
      pinoHttp({
        logger,
        genReqId: (req, res) => {
          const given = req.headers['x-request-id'];
          const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
          res.setHeader('x-request-id', id);
          return id;
        },
        // Liveness probes every few seconds would drown the rest.
        autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
        customLogLevel: (_req, res, err) =>
          err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      }),
    );
  }
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
  // The API describes itself: OpenAPI 3.1 generated from the zod schemas the routes validate with, browsable at
  // /api/docs (Swagger UI, served from node_modules: no network needed).
  const openApi = openApiDocument();
  app.get('/api/openapi.json', (_req, res) => void res.json(openApi));
  app.get('/api/docs', (_req, res) => res.sendFile(path.join(DASHBOARD_DIR, 'docs.html')));
  app.use('/api/docs/assets', express.static(SWAGGER_UI_DIR, { index: false }));
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
  // 200 with the new status; 202 when no worker answered and the command went as a signal (see commandBot).
  for (const action of ['start', 'stop'] as const) {
    app.post(`/api/bots/:id/${action}`, async (req: Request<{ id: string }>, res: Response) => {
      const outcome = await commandBot(ctx, req.params.id, action);
      if (outcome.applied) res.json(outcome.status);
      else res.status(202).json({ id: req.params.id, ...outcome });
    });
  }
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
  // A POST because it takes a body, but read-only: it replays the journal and never touches the ledger.
  app.post('/api/bots/:id/whatif', async (req: Request<{ id: string }>, res: Response) => {
    res.json(await runWhatIf(ctx, req.params.id, req.body));
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
  logger?: Logger,
): Promise<ApiServer> {
  const problem = bindingProblem(host, access);
  if (problem) throw new ConfigError(`invalid configuration:\n  ${problem}`);
  const app = createApp(ctx, access, logger);
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
