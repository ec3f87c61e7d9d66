/** A JSON call to the API at `baseUrl`: `raw` sends a body as it is (malformed JSON, say). */
export function apiCaller(baseUrl: () => string) {
  return async (method: string, path: string, body?: unknown, raw?: string) => {
    const res = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {},
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
}
