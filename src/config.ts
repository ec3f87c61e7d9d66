import path from 'node:path';
import { z } from 'zod';
import { bindingProblem } from './api/binding';
import { type CrashPointSpec, parseCrashPoints } from './chaos/crashPoints';
import { SEMI_SPACE_SIZES } from './runtime/workflowHeap';
import { loadTemporalAccess, type TemporalAccess } from './temporal/profile';

// The only reader of process.env. Everything else receives an AppConfig.

const HOST_PORT = /^[^\s:/]+:\d{1,5}$/;

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/**
 * A number setting: empty means unset (its default), and only a plain decimal is a number. z.coerce alone would
 * read '' and ' ' as 0 (API_PORT='' listening on a random port) and accept '1e3' or '0x10'.
 */
function numberSetting(check: z.ZodNumber, fallback: number) {
  return optionalText
    .pipe(
      z
        .string()
        .regex(/^\d+(\.\d+)?$/, 'must be a number, e.g. 30')
        .transform(Number)
        .pipe(check)
        .optional(),
    )
    .transform((v) => v ?? fallback)
    .default(fallback);
}

const port = (fallback: number) => numberSetting(z.number().int().min(1).max(65_535), fallback);

/** A count the SDK takes; unset leaves the SDK's own default. */
const optionalCount = (min: number) =>
  optionalText.pipe(
    z
      .string()
      .regex(/^\d+$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().int().min(min).max(100_000))
      .optional(),
  );

const hostPort = (example: string) =>
  optionalText.pipe(z.string().regex(HOST_PORT, `must be host:port, e.g. ${example}`).optional());

const envSchema = z.object({
  TEMPORAL_ADDRESS: hostPort('127.0.0.1:7233'),
  // Unset: the profile's namespace, else "default".
  TEMPORAL_NAMESPACE: optionalText,
  // A remote server (docs/remote-temporal.md): the standard variables of every Temporal SDK and the CLI.
  TEMPORAL_CONFIG_FILE: optionalText,
  TEMPORAL_PROFILE: optionalText,
  TEMPORAL_API_KEY: optionalText,
  TEMPORAL_TLS: optionalText.pipe(z.enum(['true', 'false', '1', '0']).optional()),
  TEMPORAL_TLS_CLIENT_CERT_PATH: optionalText,
  TEMPORAL_TLS_CLIENT_KEY_PATH: optionalText,
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: optionalText,
  TEMPORAL_TLS_SERVER_NAME: optionalText,
  TEMPORAL_TLS_CLIENT_CERT_DATA: optionalText,
  TEMPORAL_TLS_CLIENT_KEY_DATA: optionalText,
  TEMPORAL_TLS_SERVER_CA_CERT_DATA: optionalText,
  TEMPORAL_TASK_QUEUE: z.string().trim().min(1).default('ooda-bot'),
  TEMPORAL_CLI_PATH: optionalText,
  TEMPORAL_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  // Where operators open the Temporal UI (links in explanations); unset: the embedded dev server's UI.
  TEMPORAL_UI_URL: optionalText.pipe(z.string().url().optional()),
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
  ),
  EMBEDDED_POSTGRES_PORT: port(54329),
  // An address to listen on, not a URL: a scheme or a port here is a mistake worth naming.
  API_HOST: z
    .string()
    .trim()
    .regex(
      /^([A-Za-z0-9.-]+|[0-9A-Fa-f:]+)$/,
      'must be a host name or an IP address, e.g. 0.0.0.0 (no scheme, no port)',
    )
    .default('127.0.0.1'),
  // 0: any free port (tests).
  API_PORT: numberSetting(z.number().int().min(0).max(65_535), 3000),
  API_TOKEN: optionalText.pipe(
    z
      .string()
      .min(16, 'must be at least 16 characters (e.g. openssl rand -hex 24)')
      .regex(/^\S+$/, 'must not contain spaces')
      .optional(),
  ),
  API_PROTECT_READS: optionalText.pipe(z.enum(['true', 'false']).optional()),
  // Requests a minute one client address may make; 0 turns the limit off (load tests driving many bots).
  API_RATE_LIMIT_PER_MINUTE: numberSetting(z.number().int().min(0).max(1_000_000), 600),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** auto: pretty in a terminal, JSON lines otherwise. */
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  DATA_DIR: z.string().trim().min(1).default('.data'),
  MARKET_DATA_MODE: optionalText.pipe(z.enum(['quicktest', 'live']).optional()),
  ALPHAVANTAGE_API_KEY: optionalText,
  ALPHAVANTAGE_BASE_URL: z.string().trim().url().default('https://www.alphavantage.co/query'),
  // The market-data activity's start-to-close timeout (30 s) backs this up, so it must stay below it.
  ALPHAVANTAGE_TIMEOUT_SECONDS: numberSetting(z.number().positive().max(25), 15),
  ALPHAVANTAGE_REQUESTS_PER_SECOND: numberSetting(z.number().positive().max(100), 1),
  ALPHAVANTAGE_PRICE_TTL_SECONDS: numberSetting(z.number().min(0), 5400),
  ALPHAVANTAGE_CANDLES_TTL_SECONDS: numberSetting(z.number().min(0), 86_400),
  ALPHAVANTAGE_SENTIMENT_TTL_SECONDS: numberSetting(z.number().min(0), 14_400),
  // The Temporal SDK's Prometheus metrics of this worker (task latencies, slots, polls, cache): host:port.
  WORKER_METRICS_ADDRESS: hostPort('127.0.0.1:9464'),
  WORKER_SHUTDOWN_GRACE_SECONDS: numberSetting(z.number().min(0).max(600), 20),
  // The workflow thread's heap collected at (1 + p/100) x live (src/runtime/workflowHeap.ts); 0: V8's own choice.
  WORKER_HEAP_GROWING_PERCENT: numberSetting(z.number().int().min(0).max(1000), 50),
  // The workflow thread's new space held at one size (src/runtime/workflowHeap.ts); 0: V8 resizes it.
  WORKER_SEMI_SPACE_MB: numberSetting(
    z
      .number()
      .int()
      .refine((mb) => SEMI_SPACE_SIZES.includes(mb), `must be one of ${SEMI_SPACE_SIZES.join(', ')}`),
    16,
  ),
  // A workflow bundle built ahead (the container image builds one); unset: the worker bundles at start.
  WORKFLOW_BUNDLE_PATH: optionalText,
  // Worker tuning (docs/performance.md "Worker settings"); unset means the SDK's default, which was measured best.
  // The SDK turns 1 into 2 (and 0 turns the cache off, every task a replay: docs/performance.md): refuse both.
  WORKER_MAX_CACHED_WORKFLOWS: optionalCount(2),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: optionalCount(2),
  WORKER_MAX_CONCURRENT_ACTIVITIES: optionalCount(1),
  WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES: optionalCount(1),
  // The SDK needs at least 2 workflow pollers (the sticky queue and the normal one) and 2 workflow task slots.
  WORKER_MAX_WORKFLOW_TASK_POLLS: optionalCount(2),
  WORKER_MAX_ACTIVITY_TASK_POLLS: optionalCount(1),
  // The chaos campaign's named crash points (docs/chaos/README.md); unset in production.
  OODA_CHAOS_CRASH_POINTS: optionalText,
});

export interface AppConfig {
  /** Address, TLS, API key and gRPC headers: the TEMPORAL_* variables over a TOML profile (src/temporal/profile.ts). */
  temporal: TemporalAccess & {
    /** Undefined: start an embedded dev server. */
    address?: string;
    namespace: string;
    taskQueue: string;
    cliPath?: string;
    port: number;
    uiPort: number;
    /** The UI's base URL, for links: TEMPORAL_UI_URL, else the embedded UI on 127.0.0.1:uiPort. */
    uiUrl: string;
  };
  database: { url?: string; embeddedPort: number };
  api: {
    host: string;
    port: number;
    /** With a token every mutation needs it; without one the API listens on loopback only. */
    token?: string;
    protectReads: boolean;
    /** Requests a minute per client address; 0: no limit. */
    rateLimitPerMinute: number;
  };
  dataDir: string;
  marketDataMode: 'quicktest' | 'live';
  alphaVantage: {
    apiKey?: string;
    baseUrl: string;
    timeoutMs: number;
    /** Task-queue-wide: all market-data workers together stay under it. */
    requestsPerSecond: number;
    ttl: { priceSeconds: number; candlesSeconds: number; sentimentSeconds: number };
  };
  worker: {
    shutdownGraceMs: number;
    /** V8 --heap-growing-percent for the worker process (src/runtime/workflowHeap.ts); 0: V8 decides. */
    heapGrowingPercent: number;
    /** V8 --min- and --max-semi-space-size for the workflow thread (src/runtime/workflowHeap.ts); 0: V8 decides. */
    semiSpaceMb: number;
    tuning: WorkerTuning;
    metricsAddress?: string;
    /** An absolute path to a prebuilt workflow bundle; undefined: bundle src/workflows at start. */
    workflowBundlePath?: string;
  };
  /** Null unless a chaos campaign set crash points: the worker then dies at them on purpose. */
  chaos: { crashPoints: CrashPointSpec | null };
  log: LogSettings;
}

export interface LogSettings {
  level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  format: 'auto' | 'json' | 'pretty';
}

/** Worker settings an operator may tune; undefined leaves the SDK's default. */
export interface WorkerTuning {
  maxCachedWorkflows?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentLocalActivityExecutions?: number;
  maxConcurrentWorkflowTaskPolls?: number;
  maxConcurrentActivityTaskPolls?: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Every setting this program reads, with its default (undefined: unset unless given): for `--help`. */
export function configDefaults(): [name: string, fallback: unknown][] {
  return Object.entries(envSchema.shape).map(([name, schema]) => {
    const def = (schema as { def: { type: string; defaultValue?: unknown } }).def;
    return [name, def.type === 'default' ? def.defaultValue : undefined];
  });
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  // Live data needs a key; without one the bot would only ever trade on synthetic data, so refuse clearly.
  const mode = e.MARKET_DATA_MODE ?? (e.ALPHAVANTAGE_API_KEY ? 'live' : 'quicktest');
  if (mode === 'live' && !e.ALPHAVANTAGE_API_KEY) {
    throw new ConfigError('invalid configuration:\n  MARKET_DATA_MODE: "live" needs ALPHAVANTAGE_API_KEY');
  }
  let crashPoints: CrashPointSpec | null = null;
  try {
    crashPoints = e.OODA_CHAOS_CRASH_POINTS ? parseCrashPoints(e.OODA_CHAOS_CRASH_POINTS) : null;
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  ${(err as Error).message}`);
  }
  const tooManyPollers = pollerProblems(e);
  if (tooManyPollers.length) throw new ConfigError(`invalid configuration:\n  ${tooManyPollers.join('\n  ')}`);
  const access = temporalAccess(env);
  return {
    temporal: {
      ...access,
      namespace: access.namespace ?? 'default',
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      cliPath: e.TEMPORAL_CLI_PATH,
      port: e.TEMPORAL_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      uiUrl: e.TEMPORAL_UI_URL ?? `http://127.0.0.1:${e.TEMPORAL_UI_PORT}`,
    },
    database: { url: e.DATABASE_URL, embeddedPort: e.EMBEDDED_POSTGRES_PORT },
    api: {
      host: e.API_HOST,
      port: e.API_PORT,
      token: e.API_TOKEN,
      protectReads: e.API_PROTECT_READS === 'true',
      rateLimitPerMinute: e.API_RATE_LIMIT_PER_MINUTE,
    },
    dataDir: path.resolve(e.DATA_DIR),
    marketDataMode: mode,
    alphaVantage: {
      apiKey: e.ALPHAVANTAGE_API_KEY,
      baseUrl: e.ALPHAVANTAGE_BASE_URL,
      timeoutMs: Math.round(e.ALPHAVANTAGE_TIMEOUT_SECONDS * 1000),
      requestsPerSecond: e.ALPHAVANTAGE_REQUESTS_PER_SECOND,
      ttl: {
        priceSeconds: e.ALPHAVANTAGE_PRICE_TTL_SECONDS,
        candlesSeconds: e.ALPHAVANTAGE_CANDLES_TTL_SECONDS,
        sentimentSeconds: e.ALPHAVANTAGE_SENTIMENT_TTL_SECONDS,
      },
    },
    worker: {
      shutdownGraceMs: Math.round(e.WORKER_SHUTDOWN_GRACE_SECONDS * 1000),
      heapGrowingPercent: e.WORKER_HEAP_GROWING_PERCENT,
      semiSpaceMb: e.WORKER_SEMI_SPACE_MB,
      metricsAddress: e.WORKER_METRICS_ADDRESS,
      workflowBundlePath: e.WORKFLOW_BUNDLE_PATH && path.resolve(e.WORKFLOW_BUNDLE_PATH),
      tuning: definedOnly({
        maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
        maxConcurrentWorkflowTaskExecutions: e.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
        maxConcurrentActivityTaskExecutions: e.WORKER_MAX_CONCURRENT_ACTIVITIES,
        maxConcurrentLocalActivityExecutions: e.WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES,
        maxConcurrentWorkflowTaskPolls: e.WORKER_MAX_WORKFLOW_TASK_POLLS,
        maxConcurrentActivityTaskPolls: e.WORKER_MAX_ACTIVITY_TASK_POLLS,
      }),
    },
    chaos: { crashPoints },
    log: { level: e.LOG_LEVEL, format: e.LOG_FORMAT },
  };
}

/** The SDK refuses more pollers than task slots; say so by the variables' names, before the worker starts. */
function pollerProblems(e: z.infer<typeof envSchema>): string[] {
  const pairs = [
    [
      'WORKER_MAX_WORKFLOW_TASK_POLLS',
      e.WORKER_MAX_WORKFLOW_TASK_POLLS,
      'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS',
      e.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    ],
    [
      'WORKER_MAX_ACTIVITY_TASK_POLLS',
      e.WORKER_MAX_ACTIVITY_TASK_POLLS,
      'WORKER_MAX_CONCURRENT_ACTIVITIES',
      e.WORKER_MAX_CONCURRENT_ACTIVITIES,
    ],
  ] as const;
  return pairs
    .filter(([, polls, , slots]) => polls !== undefined && slots !== undefined && polls > slots)
    .map(
      ([pollName, polls, slotName, slots]) =>
        `${pollName}: ${polls} pollers for ${slots} ${slotName} slots; at most ${slots}`,
    );
}

/**
 * Where Temporal is and how to reach it, from the standard TEMPORAL_* variables (the set ones) over the profile
 * they select, and the home directories envconfig looks for its file in. Scripts that launch a topology against
 * a remote server read it here too, as the worker and the API do.
 */
export function temporalAccess(env: NodeJS.ProcessEnv): TemporalAccess {
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const standard = /^(TEMPORAL_|HOME$|XDG_CONFIG_HOME$|APPDATA$)/.test(name);
    if (standard && value !== undefined && value.trim() !== '') vars[name] = value.trim();
  }
  let access: TemporalAccess;
  try {
    access = loadTemporalAccess(vars);
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  ${(err as Error).message}`);
  }
  if (access.address !== undefined && !HOST_PORT.test(access.address))
    throw new ConfigError(
      `invalid configuration:\n  Temporal address "${access.address}" (profile): must be host:port, e.g. 127.0.0.1:7233`,
    );
  return access;
}

function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * What the tools this program runs need from its environment: the PATH searched for the `temporal` CLI, and the
 * whole environment a `go install` of it inherits (HOME, GOPATH, proxies). Kept out of AppConfig, which is
 * logged and passed around: it holds every variable, secrets included.
 */
export interface ToolEnvironment {
  searchPath: string;
  inherited: Record<string, string | undefined>;
}

/** The tool environment of this process (the services process hands it to the dev server's CLI lookup). */
export function toolEnvironment(env: NodeJS.ProcessEnv = process.env): ToolEnvironment {
  return { searchPath: env.PATH ?? '', inherited: { ...env } };
}

/** Refuses an API that would listen beyond loopback without a token (the API server checks it again). */
export function assertApiBinding(config: AppConfig): void {
  const problem = bindingProblem(config.api.host, config.api);
  if (problem) throw new ConfigError(`invalid configuration:\n  ${problem}`);
}
