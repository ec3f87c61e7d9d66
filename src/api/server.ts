import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import { type BotsContext, createBot, getBot, getStats, listTrades, signalBot } from './bots';
import { ApiError, errorMiddleware } from './errors';

export interface ApiServer {
  url: string;
  server: Server;
  stop(): Promise<void>;
}

export function createApp(ctx: BotsContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '16kb' }));

  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.post('/api/bots', async (req: Request, res: Response) => {
    res.status(201).json(await createBot(ctx, req.body ?? {}));
  });
  app.post('/api/bots/:id/start', async (req: Request<{ id: string }>, res: Response) => {
    await signalBot(ctx, req.params.id, 'start');
    res.status(202).json({ id: req.params.id, signal: 'start' });
  });
  app.post('/api/bots/:id/stop', async (req: Request<{ id: string }>, res: Response) => {
    await signalBot(ctx, req.params.id, 'stop');
    res.status(202).json({ id: req.params.id, signal: 'stop' });
  });
  app.get('/api/bots/:id', async (req: Request<{ id: string }>, res: Response) => {
    res.json(await getBot(ctx, req.params.id));
  });
  app.get('/api/bots/:id/stats', async (req: Request<{ id: string }>, res: Response) => {
    res.json(await getStats(ctx, req.params.id));
  });
  app.get('/api/bots/:id/trades', async (req: Request<{ id: string }>, res: Response) => {
    res.json({ trades: await listTrades(ctx, req.params.id) });
  });
  app.use((req, _res, next) => next(new ApiError(404, 'not_found', `no route for ${req.method} ${req.path}`)));
  app.use(errorMiddleware);
  return app;
}

const DRAIN_MS = 10_000;

/** Starts the real HTTP server; port 0 picks a free port (tests). */
export async function startApiServer(ctx: BotsContext, host: string, port: number): Promise<ApiServer> {
  const app = createApp(ctx);
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
