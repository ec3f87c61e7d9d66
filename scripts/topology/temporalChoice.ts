import type { TopologyOptions } from './launcher';
import { DEFAULT_HISTORY_SHARDS } from './serverConfig';

// `--temporal dev|server|remote` of the soak, the chaos campaign and the bench: which Temporal the launcher runs,
// or (remote) which server it connects its processes to.

export const TEMPORAL_CHOICES = ['dev', 'server', 'remote'] as const;
export type TemporalChoice = (typeof TEMPORAL_CHOICES)[number];

export function isTemporalChoice(value: string): value is TemporalChoice {
  return (TEMPORAL_CHOICES as readonly string[]).includes(value);
}

/** `--temporal` and `--history-shards`, as the campaign scripts' arguments carry them. */
export interface TemporalArgs {
  temporal: TemporalChoice;
  /** The real server's shard count (server only); undefined: the launcher's default. */
  historyShards?: number;
}

/** The launcher's option for each choice; neither serves the web UI (nobody looks during a measured run). */
export function topologyTemporal(args: TemporalArgs): NonNullable<TopologyOptions['temporal']> {
  if (args.temporal === 'dev') return { devServer: { ui: false } };
  if (args.temporal === 'remote') return { remote: { env: process.env } };
  return { server: args.historyShards === undefined ? {} : { historyShards: args.historyShards } };
}

export function describeTemporal(args: TemporalArgs): string {
  if (args.temporal === 'dev') return 'a Temporal dev server';
  if (args.temporal === 'remote') return 'the Temporal server the TEMPORAL_* variables name';
  const shards = args.historyShards === undefined ? '' : ` (${args.historyShards} history shards)`;
  return `the real Temporal server on the same Postgres${shards}`;
}

/** The help text of the flag, its description starting at `column`; `remote` where the script can use one. */
export function temporalFlagUsage(column: number, opts: { remote: boolean }): string {
  const indent = ' '.repeat(column);
  // A flag as wide as the column puts its text on the next line.
  const flagLine = (flag: string, text: string) =>
    flag.length < column - 2 ? `  ${flag.padEnd(column - 2)}${text}` : `  ${flag}\n${indent}${text}`;
  const remote = opts.remote
    ? `;\n${indent}remote: the server the standard TEMPORAL_* variables or their profile name (address,\n` +
      `${indent}namespace, TLS, API key: as the worker and the API read them), on a task queue and\n` +
      `${indent}bot ids of the run's own; never stopped\n`
    : '\n';
  return (
    `  ${'--temporal <t>'.padEnd(column - 2)}dev: the temporal CLI's dev server (SQLite, one history shard; default);\n` +
    `${indent}server: the real Temporal server on the topology's Postgres (build it once with\n` +
    `${indent}npm run temporal-server:build)${remote}` +
    flagLine('--history-shards <n>', `with --temporal server: its history shards (default ${DEFAULT_HISTORY_SHARDS})`)
  );
}
