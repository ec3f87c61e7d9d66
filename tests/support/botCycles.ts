// Reading a bot's progress through the API of a launched topology, as an operator would.

/** The bot's completed cycles, or undefined when the API does not answer (killed, restarting). */
export async function cyclesCompleted(apiUrl: string, botId: string): Promise<number | undefined> {
  const res = await fetch(`${apiUrl}/api/bots/${botId}`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
  if (!res?.ok) return undefined;
  return ((await res.json()) as { cyclesCompleted: number }).cyclesCompleted;
}

/** Waits until the bot has completed `more` cycles beyond what it had when called; returns how long it took. */
export async function cyclesKeepCompleting(
  apiUrl: string,
  botId: string,
  more = 2,
  timeoutMs = 180_000,
): Promise<number> {
  const started = Date.now();
  let from: number | undefined;
  while ((from = await cyclesCompleted(apiUrl, botId)) === undefined) {
    if (Date.now() - started > timeoutMs) throw new Error(`GET /api/bots/${botId} never answered`);
    await new Promise((r) => setTimeout(r, 250));
  }
  for (;;) {
    const now = await cyclesCompleted(apiUrl, botId);
    if (now !== undefined && now >= from + more) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`cycles stuck at ${now ?? '?'} (from ${from})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
