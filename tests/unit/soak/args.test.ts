import { parseSoakArgs, SOAK_USAGE, UsageError } from '../../../scripts/soak/args';

// `npm run soak` options: defaults, overrides, and a named error for every mistake.

it('defaults to 3 minutes, 5 bots at 5 s on 2 workers and the dev server', () => {
  expect(parseSoakArgs([])).toEqual({ minutes: 3, bots: 5, intervalSeconds: 5, workers: 2, temporal: 'dev' });
});

it('takes every option', () => {
  const argv = ['--minutes', '30', '--bots', '20', '--interval', '1m', '--workers', '3', '--out', 'x', '--warmup', '5'];
  expect(parseSoakArgs(argv)).toEqual({
    minutes: 30,
    bots: 20,
    intervalSeconds: 60,
    workers: 3,
    out: 'x',
    warmupMinutes: 5,
    temporal: 'dev',
  });
  expect(parseSoakArgs(['--temporal', 'server', '--history-shards', '2'])).toMatchObject({ historyShards: 2 });
  expect(parseSoakArgs(['--temporal', 'remote'])).toMatchObject({ temporal: 'remote' });
  expect(parseSoakArgs(['--allocator', 'system'])).toMatchObject({ allocator: 'system' });
  expect(parseSoakArgs(['--help'])).toBeNull();
});

it('--help names every option it parses', () => {
  for (const flag of [
    '--minutes',
    '--bots',
    '--interval',
    '--workers',
    '--out',
    '--warmup',
    '--allocator',
    '--temporal',
    '--history-shards',
  ]) {
    expect(SOAK_USAGE).toContain(flag);
  }
  expect(SOAK_USAGE).toMatch(/remote: the server the standard TEMPORAL_\* variables/);
});

it.each([
  [['--frobnicate'], /'--frobnicate'/],
  [['--minutes', '0'], /--minutes must be a positive number/],
  [['--bots', '2.5'], /--bots must be a positive whole number/],
  [['--bots', '501'], /--bots must be at most 500/],
  [['--interval', 'soon'], /--interval must be a duration/],
  [['--interval', '500ms'], /--interval must be at least 1s/],
  [['--warmup', '3'], /--warmup \(3 min\) must be shorter than --minutes \(3\)/],
  [['--out', ' '], /--out must name a directory/],
  [['--allocator', 'tcmalloc'], /--allocator must be one of jemalloc, system, got "tcmalloc"/],
  [['--temporal', 'cloud'], /--temporal must be one of dev, server, remote/],
  [['--temporal', 'remote', '--history-shards', '4'], /--history-shards applies to --temporal server only/],
  [['stray'], /stray/],
])('%j is a usage error naming the problem', (argv, message) => {
  expect(() => parseSoakArgs(argv)).toThrow(UsageError);
  expect(() => parseSoakArgs(argv)).toThrow(message);
});
