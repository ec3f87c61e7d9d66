// Where the control API may listen: without a token, only where this machine alone can reach it. Kept free of
// imports so that src/config.ts can check a configuration before anything starts.

/** True for hosts only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Why the API must not listen on `host` with this access, or null when it may. */
export function bindingProblem(host: string, access: { token?: string }): string | null {
  if (access.token || isLoopback(host)) return null;
  return (
    `API_HOST=${host} would open the control API to the network without a token: ` +
    'set API_TOKEN (every mutation then needs "Authorization: Bearer <token>"), or listen on 127.0.0.1'
  );
}
