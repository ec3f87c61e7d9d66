import type { TopologyOptions } from './launcher';

// `--temporal dev|server` of the soak, the chaos campaign and the bench: which Temporal the launcher runs.

export const TEMPORAL_CHOICES = ['dev', 'server'] as const;
export type TemporalChoice = (typeof TEMPORAL_CHOICES)[number];

export function isTemporalChoice(value: string): value is TemporalChoice {
  return (TEMPORAL_CHOICES as readonly string[]).includes(value);
}

/** The launcher's option for each choice; neither serves the web UI (nobody looks during a measured run). */
export function topologyTemporal(choice: TemporalChoice): NonNullable<TopologyOptions['temporal']> {
  return choice === 'server' ? { server: {} } : { devServer: { ui: false } };
}

export function describeTemporal(choice: TemporalChoice): string {
  return choice === 'server' ? 'the real Temporal server on the same Postgres' : 'a Temporal dev server';
}

/** The help text of the flag, its description starting at `column`. */
export function temporalFlagUsage(column: number): string {
  const indent = ' '.repeat(column);
  return (
    `  ${'--temporal <t>'.padEnd(column - 2)}dev: the temporal CLI's dev server (SQLite, one history shard; default);\n` +
    `${indent}server: the real Temporal server on the topology's Postgres (build it once with\n` +
    `${indent}npm run temporal-server:build)`
  );
}
