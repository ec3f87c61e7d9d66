import { remoteTemporal } from '../../scripts/topology/remoteTemporal';

// `--temporal remote` reads the server from the standard variables, as the worker and the API do.

it('without an address (no TEMPORAL_ADDRESS, no profile) it says what to set', () => {
  expect(() => remoteTemporal({ HOME: '/nonexistent', PATH: '/usr/bin' })).toThrow(
    /--temporal remote: no Temporal address; set TEMPORAL_ADDRESS/,
  );
});

it("hands the caller's TEMPORAL_* variables on, with a task queue of the run's own, and nothing else", () => {
  const env = {
    TEMPORAL_ADDRESS: 'temporal.example.com:7233',
    TEMPORAL_NAMESPACE: 'trading',
    TEMPORAL_API_KEY: 'k',
    TEMPORAL_TASK_QUEUE: 'production',
    DATABASE_URL: 'postgres://elsewhere/db',
  };
  const a = remoteTemporal(env);
  const b = remoteTemporal(env);
  expect(a.namespace).toBe('trading');
  expect(a.endpoint).toMatchObject({ address: 'temporal.example.com:7233', apiKey: 'k' });
  expect(a.variables).toMatchObject({ TEMPORAL_ADDRESS: 'temporal.example.com:7233', TEMPORAL_API_KEY: 'k' });
  expect(a.variables).not.toHaveProperty('DATABASE_URL');
  expect(a.variables.TEMPORAL_TASK_QUEUE).toMatch(/^ooda-run-[0-9a-f]{8}$/);
  expect(b.variables.TEMPORAL_TASK_QUEUE).not.toBe(a.variables.TEMPORAL_TASK_QUEUE);
});

it('refuses an address that is no host:port, as the worker would', () => {
  expect(() => remoteTemporal({ TEMPORAL_ADDRESS: 'not an address' })).toThrow(/host:port/);
});
