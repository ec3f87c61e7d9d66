import path from 'node:path';
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { botConfigChangeSchema, botConfigInputSchema } from '../domain/botConfig';
import { botIdParam, cycleParam, equityQuery, errorBody, listQuery, pageQuery, whatIfBody } from './schemas';

// OpenAPI 3.1 for the REST API, generated from the zod schemas its routes validate with (one fact, one place).
// Answers that are the bot's own types (status, explanations) are described in words and by example; their
// shape is the TypeScript in src/workflows/messages.ts and src/api/explain.ts.

/** Swagger UI's browser files, served under /api/docs/assets. */
export const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));

const json = (description: string, schema: z.ZodType = z.object({}).loose()) => ({
  description,
  content: { 'application/json': { schema } },
});
const errors = {
  400: json('Bad input: the error names each bad field', errorBody),
  401: json('A mutation without the right bearer token (API_TOKEN set)', errorBody),
  404: json('No such bot, cycle or trade', errorBody),
  503: json('Temporal or Postgres is down: the error names which', errorBody),
};
const byId = z.object({ id: botIdParam });
/** A read: 200 with `answer`, or one of the errors. */
const read = (path: string, summary: string, request: RouteConfig['request'], answer: string): RouteConfig => ({
  method: 'get',
  path,
  summary,
  request,
  responses: { 200: json(answer), ...errors },
});
const mutation = { security: [{ bearer: [] }] };

const routes: RouteConfig[] = [
  { method: 'get', path: '/healthz', summary: 'Liveness', responses: { 200: json('The process answers') } },
  {
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: Temporal and Postgres answer',
    responses: { 200: json('Ready'), 503: json('Not ready: checks name what is down') },
  },
  read(
    '/api/bots',
    'The open bots: state, symbol, strategy, equity, last cycle',
    { query: listQuery },
    '{ bots: [...] }',
  ),
  {
    method: 'post',
    path: '/api/bots',
    summary: 'Create a bot (defaults fill every field but id and symbol)',
    ...mutation,
    request: { body: { content: { 'application/json': { schema: botConfigInputSchema } } } },
    responses: {
      201: json('Created: { id, workflowId, config }'),
      409: json('The bot exists, or its ledger account is for another market or cash', errorBody),
      ...errors,
    },
  },
  read(
    '/api/bots/{id}',
    "The bot's status (the `status` query): running, phase, portfolio, last cycle, breaker, risk",
    { params: byId },
    'BotStatus',
  ),
  {
    method: 'delete',
    path: '/api/bots/{id}',
    summary: 'Archive: stop for good (the `archive` update); the ledger stays',
    ...mutation,
    request: { params: byId },
    responses: {
      200: json('{ id, archived: true, status }'),
      202: json('A cycle still runs: archived after it'),
      ...errors,
    },
  },
  ...(['start', 'stop'] as const).map((action): RouteConfig => ({
    method: 'post',
    path: `/api/bots/{id}/${action}`,
    summary: `${action === 'start' ? 'Resume (also clears a max-drawdown halt)' : 'Stop after the cycle in flight'}: the \`${action}\` update`,
    ...mutation,
    request: { params: byId },
    responses: {
      200: json('Applied: the new BotStatus'),
      202: json(`No worker answered in time: sent as the ${action} signal, applied when one runs`),
      409: json('The bot is archived', errorBody),
      ...errors,
    },
  })),
  {
    method: 'patch',
    path: '/api/bots/{id}/config',
    summary: 'Change the config from the next cycle (the `updateConfig` update; refused before history if bad)',
    ...mutation,
    request: { params: byId, body: { content: { 'application/json': { schema: botConfigChangeSchema } } } },
    responses: { 200: json('The new BotStatus'), 409: json('The bot is archived', errorBody), ...errors },
  },
  read(
    '/api/bots/{id}/stats',
    'Per-bot and per-strategy statistics and the adaptive sizing',
    { params: byId },
    '{ cyclesCompleted, learned }',
  ),
  read(
    '/api/bots/{id}/trades',
    'Fills, newest first, each with its tradeId; paged by cursor',
    { params: byId, query: pageQuery },
    '{ trades, nextCursor }',
  ),
  read(
    '/api/bots/{id}/cycles',
    'Journaled cycles, newest first; paged by cursor',
    { params: byId, query: pageQuery },
    '{ cycles, nextCursor }',
  ),
  read(
    '/api/bots/{id}/cycles/{n}',
    "Why cycle n did what it did: observation, decision, every risk rule's verdict, fill, effect, UI link",
    { params: z.object({ id: botIdParam, n: cycleParam }) },
    'Explanation',
  ),
  read(
    '/api/bots/{id}/equity',
    'Equity after each journaled cycle, oldest first',
    { params: byId, query: equityQuery },
    '{ botId, points }',
  ),
  {
    method: 'post',
    path: '/api/bots/{id}/whatif',
    summary:
      "What would have happened: the bot's journaled cycles replayed with another strategy or params, beside " +
      'what did (read-only; a POST for its body, so it takes the token like a mutation)',
    ...mutation,
    request: { params: byId, body: { content: { 'application/json': { schema: whatIfBody } } } },
    responses: {
      200: json('{ botId, symbol, range, startingEquity, recorded, whatIf, notes }'),
      ...errors,
    },
  },
  read(
    '/api/trades/{tradeId}',
    "A trade (`<botId>:<n>`, the bot's n-th fill) explained through the cycle that booked it",
    { params: z.object({ tradeId: z.string().meta({ example: 'btc:1' }) }) },
    'Explanation with tradeId',
  ),
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics: cycles, fills, P&L, equity, breaker, Alpha Vantage requests',
    responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } } },
  },
];

export function openApiDocument(): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'API_TOKEN; needed by every mutation when set (and by reads with API_PROTECT_READS=true)',
  });
  for (const route of routes) registry.registerPath(route);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'OODA Bot control API',
      version: '1',
      description:
        'Create, steer and explain paper-trading bots. Errors are { error: { code, message, details } }: 4xx for ' +
        'bad input, never a 5xx; 503 names the dependency that is down.',
    },
  });
}
