import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { armCrashPoints, crashPoint, parseCrashPoints } from '../../src/chaos/crashPoints';

// The crash points that do fire kill their process: tests/integration/chaos.test.ts runs them in children. Here,
// in-process, every way an armed point must NOT fire: a campaign spends its hits through tokens and
// probabilities, and a point that fired without one would kill a worker the campaign did not mean to.

let tokens: string;
beforeEach(() => {
  tokens = mkdtempSync(path.join(tmpdir(), 'ooda-crash-tokens-'));
});
afterEach(() => {
  armCrashPoints(null);
  rmSync(tokens, { recursive: true, force: true });
});

it('a point armed with tokens passes its value through while no token waits, and claims nothing', () => {
  armCrashPoints(parseCrashPoints(`execution.afterFill,learning.afterJournal,tokens=${tokens}`));
  for (let i = 0; i < 50; i++) expect(crashPoint('execution.afterFill', { fill: i })).toEqual({ fill: i });
  expect(crashPoint('learning.afterJournal')).toBeUndefined();
  expect(readdirSync(tokens)).toEqual([]);
});

it('probability 0 never fires, and a point the setting does not name is inert', () => {
  armCrashPoints(parseCrashPoints('execution.afterFill:0'));
  for (let i = 0; i < 1000; i++) expect(crashPoint('execution.afterFill', i)).toBe(i);
  armCrashPoints(parseCrashPoints('learning.afterJournal:1,tokens=' + tokens));
  expect(crashPoint('execution.afterFill', 'untouched')).toBe('untouched');
});

it('a setting that names no point, or names one wrongly, is refused rather than silently disarmed', () => {
  expect(() => parseCrashPoints(`tokens=${tokens}`)).toThrow(/names no crash point/);
  expect(() => parseCrashPoints('tokens=')).toThrow(/tokens= needs a directory/);
  expect(() => parseCrashPoints('execution.afterFill:0.5:1')).toThrow(/unknown entry/);
  expect(() => parseCrashPoints('execution.afterFill:')).toThrow(/probability between 0 and 1/);
  expect(() => parseCrashPoints('execution.afterFill:-0.1')).toThrow(/probability between 0 and 1/);
  expect(parseCrashPoints(' execution.afterFill , ')).toEqual({ points: { 'execution.afterFill': 1 } });
});
