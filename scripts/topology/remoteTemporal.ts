import { randomBytes } from 'node:crypto';
import { temporalAccess } from '../../src/config';
import type { TemporalEndpoint } from '../../src/temporal/connection';

// `--temporal remote`: the topology's processes connect to a server the caller runs (a cluster, Temporal Cloud),
// named as the worker and the API are told where Temporal is: the standard TEMPORAL_* variables over the profile
// they select (src/config.ts). The launcher never starts or stops it, and keeps its run apart from whatever else
// that namespace serves: a task queue of its own, so no other worker picks up its tasks.

export interface RemoteTemporal {
  endpoint: TemporalEndpoint;
  namespace: string;
  /** For the workers and the API: the caller's TEMPORAL_* variables, with the run's own task queue. */
  variables: Record<string, string>;
}

export function remoteTemporal(env: NodeJS.ProcessEnv): RemoteTemporal {
  const access = temporalAccess(env);
  if (!access.address) {
    throw new Error(
      '--temporal remote: no Temporal address; set TEMPORAL_ADDRESS (and TEMPORAL_NAMESPACE, TLS, API key as needed), ' +
        'or TEMPORAL_PROFILE / TEMPORAL_CONFIG_FILE for a profile (docs/deploy.md)',
    );
  }
  const variables: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith('TEMPORAL_') && value !== undefined) variables[name] = value;
  }
  variables.TEMPORAL_TASK_QUEUE = `ooda-run-${randomBytes(4).toString('hex')}`;
  const { namespace = 'default', address, apiKey, tls, metadata } = access;
  return { endpoint: { address, apiKey, tls, metadata }, namespace, variables };
}
