import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ProcessSample } from '../topology/sampler';
import {
  growthShown,
  memoryGrowth,
  memorySlopes,
  SLOPE_MIN_MINUTES,
  withMargin,
  type SoakObservations,
} from './analysis';

// Judges the memory of soak reports already written by today's criterion, from the process samples each
// report.json keeps: how docs/soak/README.md re-judges runs made under an earlier one.
// `npx tsx scripts/soak/rejudge.ts docs/soak/*/report.json`

const SHOWN = { growth: 'FAIL', undecided: 'not shown flat', flat: 'shown flat' } as const;

interface StoredReport {
  args?: { warmupMinutes?: number };
  samples?: ProcessSample[];
}

function rejudge(file: string): string {
  const report = JSON.parse(readFileSync(file, 'utf8')) as StoredReport;
  const samples = report.samples ?? [];
  const run = path.basename(path.dirname(file));
  if (samples.length === 0) return `${run}: no samples`;
  // The report keeps no start and stop: the first and last samples stand for them (10 s apart at most).
  const at = samples.map((s) => s.at);
  const startedAtMs = Math.min(...at);
  const stoppedAtMs = Math.max(...at);
  const minutes = (stoppedAtMs - startedAtMs) / 60_000;
  if (minutes < SLOPE_MIN_MINUTES) return `${run}: ${minutes.toFixed(0)} min, too short to judge`;
  const slopes = memorySlopes({
    startedAtMs,
    stoppedAtMs,
    samples,
    warmupMinutes: report.args?.warmupMinutes,
  } as SoakObservations);
  const verdict = memoryGrowth(slopes);
  const processes = slopes.flatMap((s) => {
    if (!s.judged) return [];
    return [`  ${s.name.padEnd(10)} ${withMargin(s.judged).padEnd(16)} ${SHOWN[growthShown(s.judged)]}`];
  });
  return [`${run}: ${minutes.toFixed(0)} min, ${verdict.pass ? 'PASS' : 'FAIL'}`, ...processes].join('\n');
}

const files = process.argv.slice(2);
if (files.length === 0 || files.includes('--help')) {
  console.log('usage: npx tsx scripts/soak/rejudge.ts <report.json>...');
  process.exit(files.length === 0 ? 2 : 0);
}
for (const file of files) console.log(rejudge(file));
