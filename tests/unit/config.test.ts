import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

describe('loadConfig', () => {
  it('has working defaults for a fresh machine: embedded Temporal and Postgres, quicktest data', () => {
    const c = loadConfig({});
    expect(c.temporal).toMatchObject({
      address: undefined,
      namespace: 'default',
      taskQueue: 'ooda-bot',
      port: 7233,
      uiPort: 8233,
    });
    expect(c.database.url).toBeUndefined();
    expect(c.api).toEqual({ host: '127.0.0.1', port: 3000, protectReads: false, rateLimitPerMinute: 600 });
    expect(c.marketDataMode).toBe('quicktest');
    expect(c.alphaVantage).toMatchObject({ timeoutMs: 15_000, baseUrl: 'https://www.alphavantage.co/query' });
    expect(c.dataDir.endsWith('.data')).toBe(true);
    expect(c.chaos.crashPoints).toBeNull();
  });

  it('takes an API token and protected reads', () => {
    const c = loadConfig({ API_TOKEN: 'abcdefghijklmnop0123', API_PROTECT_READS: 'true', API_HOST: '0.0.0.0' });
    expect(c.api).toEqual({
      host: '0.0.0.0',
      port: 3000,
      token: 'abcdefghijklmnop0123',
      protectReads: true,
      rateLimitPerMinute: 600,
    });
  });

  it('reads the chaos crash points, checked like every other setting', () => {
    expect(loadConfig({ OODA_CHAOS_CRASH_POINTS: 'execution.afterFill:0.5' }).chaos.crashPoints).toEqual({
      points: { 'execution.afterFill': 0.5 },
    });
  });

  it('goes live when a key is given, unless told otherwise', () => {
    expect(loadConfig({ ALPHAVANTAGE_API_KEY: 'k' }).marketDataMode).toBe('live');
    expect(loadConfig({ ALPHAVANTAGE_API_KEY: 'k', MARKET_DATA_MODE: 'quicktest' }).marketDataMode).toBe('quicktest');
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ TEMPORAL_ADDRESS: '', DATABASE_URL: ' ' }).temporal.address).toBeUndefined();
    // Not 0: an empty API_PORT once listened on a random port, an empty grace cancelled activities at once.
    const c = loadConfig({ API_PORT: '', WORKER_SHUTDOWN_GRACE_SECONDS: ' ', WORKER_MAX_CACHED_WORKFLOWS: '' });
    expect(c.api.port).toBe(3000);
    expect(c.worker.shutdownGraceMs).toBe(20_000);
    expect(c.worker.tuning).toEqual({});
  });

  it('reads the worker settings: tuning for the SDK, the grace, and a prebuilt bundle as an absolute path', () => {
    const c = loadConfig({
      WORKER_MAX_CACHED_WORKFLOWS: '500',
      WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '20',
      WORKER_MAX_CONCURRENT_ACTIVITIES: '50',
      WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES: '60',
      WORKER_MAX_WORKFLOW_TASK_POLLS: '20',
      WORKER_MAX_ACTIVITY_TASK_POLLS: '5',
      WORKER_SHUTDOWN_GRACE_SECONDS: '2.5',
      WORKFLOW_BUNDLE_PATH: 'dist/workflow-bundle.js',
    });
    expect(c.worker.tuning).toEqual({
      maxCachedWorkflows: 500,
      maxConcurrentWorkflowTaskExecutions: 20,
      maxConcurrentActivityTaskExecutions: 50,
      maxConcurrentLocalActivityExecutions: 60,
      maxConcurrentWorkflowTaskPolls: 20,
      maxConcurrentActivityTaskPolls: 5,
    });
    expect(c.worker.shutdownGraceMs).toBe(2500);
    expect(c.worker.workflowBundlePath).toBe(path.resolve('dist/workflow-bundle.js'));
    expect(loadConfig({}).worker.workflowBundlePath).toBeUndefined();
  });

  it("reads the workflow thread's V8 settings, with 0 leaving each to V8", () => {
    expect(loadConfig({}).worker).toMatchObject({ heapGrowingPercent: 50, semiSpaceMb: 16 });
    const c = loadConfig({ WORKER_HEAP_GROWING_PERCENT: '0', WORKER_SEMI_SPACE_MB: '0' });
    expect(c.worker).toMatchObject({ heapGrowingPercent: 0, semiSpaceMb: 0 });
    expect(loadConfig({ WORKER_SEMI_SPACE_MB: '8' }).worker.semiSpaceMb).toBe(8);
  });

  it.each([
    [{ TEMPORAL_ADDRESS: 'localhost' }, 'TEMPORAL_ADDRESS'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ API_PORT: 'eighty' }, 'API_PORT'],
    [{ API_PORT: '70000' }, 'API_PORT'],
    [{ MARKET_DATA_MODE: 'paper' }, 'MARKET_DATA_MODE'],
    [{ MARKET_DATA_MODE: 'live' }, 'needs ALPHAVANTAGE_API_KEY'],
    [{ ALPHAVANTAGE_TIMEOUT_SECONDS: '0' }, 'ALPHAVANTAGE_TIMEOUT_SECONDS'],
    [{ ALPHAVANTAGE_TIMEOUT_SECONDS: '60' }, 'ALPHAVANTAGE_TIMEOUT_SECONDS'],
    [{ ALPHAVANTAGE_BASE_URL: 'not a url' }, 'ALPHAVANTAGE_BASE_URL'],
    [{ OODA_CHAOS_CRASH_POINTS: 'execution.afterFil' }, 'OODA_CHAOS_CRASH_POINTS'],
    [{ OODA_CHAOS_CRASH_POINTS: 'tokens=/tmp/x' }, 'names no crash point'],
    [{ API_TOKEN: 'short' }, 'API_TOKEN'],
    [{ API_TOKEN: 'has a space in it, long enough' }, 'API_TOKEN'],
    [{ API_PROTECT_READS: 'yes' }, 'API_PROTECT_READS'],
    [{ API_PORT: '1e3' }, 'API_PORT: must be a number'],
    [{ API_PORT: '0x10' }, 'API_PORT: must be a number'],
    [{ API_HOST: 'http://0.0.0.0' }, 'API_HOST: must be a host name or an IP address'],
    [{ API_HOST: '0.0.0.0:3000' }, 'API_HOST'],
    [{ API_RATE_LIMIT_PER_MINUTE: 'lots' }, 'API_RATE_LIMIT_PER_MINUTE'],
    [{ WORKER_SHUTDOWN_GRACE_SECONDS: '-1' }, 'WORKER_SHUTDOWN_GRACE_SECONDS'],
    [{ WORKER_SHUTDOWN_GRACE_SECONDS: '601' }, 'WORKER_SHUTDOWN_GRACE_SECONDS'],
    [{ WORKER_HEAP_GROWING_PERCENT: '1.5' }, 'WORKER_HEAP_GROWING_PERCENT'],
    [{ WORKER_HEAP_GROWING_PERCENT: '-10' }, 'WORKER_HEAP_GROWING_PERCENT'],
    [{ WORKER_SEMI_SPACE_MB: '12' }, 'WORKER_SEMI_SPACE_MB: must be one of 0, 1, 2, 4, 8, 16, 32, 64'],
    [{ WORKER_SEMI_SPACE_MB: '128' }, 'WORKER_SEMI_SPACE_MB'],
    [{ WORKER_SEMI_SPACE_MB: 'big' }, 'WORKER_SEMI_SPACE_MB: must be a number'],
    [{ WORKER_MAX_CACHED_WORKFLOWS: '1' }, 'WORKER_MAX_CACHED_WORKFLOWS'],
    [{ WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: 'many' }, 'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: must be a whole number'],
    [{ WORKER_MAX_CONCURRENT_ACTIVITIES: '2.5' }, 'WORKER_MAX_CONCURRENT_ACTIVITIES'],
    [{ WORKER_MAX_WORKFLOW_TASK_POLLS: '1' }, 'WORKER_MAX_WORKFLOW_TASK_POLLS'],
    [
      { WORKER_MAX_WORKFLOW_TASK_POLLS: '8', WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '4' },
      'WORKER_MAX_WORKFLOW_TASK_POLLS: 8 pollers for 4 WORKER_MAX_CONCURRENT_WORKFLOW_TASKS slots',
    ],
    [
      { WORKER_MAX_ACTIVITY_TASK_POLLS: '20', WORKER_MAX_CONCURRENT_ACTIVITIES: '10' },
      'WORKER_MAX_ACTIVITY_TASK_POLLS',
    ],
  ])('refuses %j with a message naming %s', (env, named) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(named);
  });
});
