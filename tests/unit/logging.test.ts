import { DefaultLogger } from '@temporalio/worker';
import type { LogSettings } from '../../src/config';
import { createLogger, sayer, sdkLogger } from '../../src/runtime/logging';

// One JSON line per event with a UTC time, secrets redacted whatever the caller passes, and the SDK's lines
// through the same logger with the bot (and cycle) named from the workflow id.

function capture(settings: LogSettings = { level: 'info', format: 'json' }) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('ooda-bot test', settings, {
    write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  return { logger, lines };
}

it('writes one JSON object per event with its name, pid, level and an ISO time in UTC', () => {
  const { logger, lines } = capture();
  sayer(logger)('cycle 7 done');
  logger.debug('below the level: dropped');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ name: 'ooda-bot test', pid: process.pid, level: 30, msg: 'cycle 7 done' });
  expect(lines[0].time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
});

it('redacts an API key, a token and an Authorization header wherever a caller puts them', () => {
  const { logger, lines } = capture();
  logger.info({ apiKey: 'AV-SECRET', token: 'T-SECRET', source: { apiKey: 'AV2' }, auth: { token: 'T2' } }, 'x');
  logger.info({ req: { headers: { authorization: 'Bearer T3', host: 'h' } } }, 'request');
  const text = JSON.stringify(lines);
  for (const secret of ['AV-SECRET', 'T-SECRET', 'AV2', 'T2', 'Bearer T3']) expect(text).not.toContain(secret);
  expect(lines[0]).toMatchObject({ apiKey: '[redacted]', token: '[redacted]', source: { apiKey: '[redacted]' } });
  expect(lines[1]).toMatchObject({ req: { headers: { authorization: '[redacted]', host: 'h' } } });
});

describe('the SDK logger', () => {
  it("names the bot and the cycle from the workflow id, and drops the notices about what the app doesn't use", () => {
    const { logger, lines } = capture();
    const sdk = sdkLogger(logger);
    expect(sdk).toBeInstanceOf(DefaultLogger);
    sdk.warn('Workflow task failed', { workflowId: 'bot-btc-cycle-42', attempt: 2 });
    sdk.info('Workflow started', { workflowId: 'bot-eth' });
    sdk.info('Worker state changed', { workflowId: 'someone-else' });
    sdk.info('No workflows registered, not polling for workflow tasks');
    sdk.info('No Nexus services registered, not polling for Nexus tasks');
    expect(lines.map((l) => l.msg)).toEqual(['Workflow task failed', 'Workflow started', 'Worker state changed']);
    expect(lines[0]).toMatchObject({ component: 'temporal-sdk', level: 40, botId: 'btc', cycle: 42, attempt: 2 });
    expect(lines[1]).toMatchObject({ botId: 'eth', level: 30 });
    expect(lines[1]).not.toHaveProperty('cycle');
    expect(lines[2]).not.toHaveProperty('botId');
  });

  it('follows LOG_LEVEL: at warn the SDK says nothing below warn', () => {
    const { logger, lines } = capture({ level: 'warn', format: 'json' });
    const sdk = sdkLogger(logger);
    sdk.debug('poll');
    sdk.info('started');
    sdk.error('failed for good', { workflowId: 'bot-a' });
    expect(lines).toEqual([expect.objectContaining({ msg: 'failed for good', level: 50, botId: 'a' })]);
  });
});
