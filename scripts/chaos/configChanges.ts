import { resolveBotConfig } from '../../src/domain/botConfig';
import type { ChaosBot } from './fleet';
import type { Observations } from './invariants';
import { type OperatorOutcome, sendUntilAccepted } from './operator';
import type { Rng } from './rng';
import type { PlannedEvent } from './schedule';

// Config changes as an operator sends them mid-incident (PATCH /api/bots/:id/config, the `updateConfig` Workflow
// Update): what the schedule draws, and what invariant 7 checks of them. Only fields that change nothing the
// campaign measures: not intervalSeconds, which the cadence and recovery figures depend on.

export interface PlannedConfigChange {
  body: Record<string, unknown>;
  /** A good change must be applied (200); a bad one refused (400 invalid_config) and leave no trace in history. */
  valid: boolean;
}

export const UPDATE_NAME = 'updateConfig';

/** The harmless fields and the ranges their new values are drawn from (both ends included). */
const CHANGEABLE = { cyclesPerRun: [20, 200], marketDataMaxAttempts: [1, 5] } as const;
type ChangeableField = keyof typeof CHANGEABLE;
export type ChangeableValues = Record<ChangeableField, number>;

/** Changes the validator must refuse: a value out of range, a field no change may set, an unknown strategy. */
const BAD_CHANGES: Record<string, unknown>[] = [
  { cyclesPerRun: -1 },
  { symbol: 'ETH/USD' },
  { marketDataMaxAttempts: 0 },
  { startingCash: '5000.00' },
  { strategy: { name: 'no-such-strategy', params: {} } },
];

/** About one change in four is a bad one, at least one per campaign. */
export const badChangeCount = (count: number) => Math.max(1, Math.round(count / 4));

/** A bot's changeable fields as it is created (its config with the API's defaults filled in). */
export function initialValues(bot: ChaosBot): ChangeableValues {
  const config = resolveBotConfig(bot, { marketDataMode: bot.marketDataMode });
  return { cyclesPerRun: config.cyclesPerRun, marketDataMaxAttempts: config.marketDataMaxAttempts };
}

/** A good change of one field to a value other than its current one (`current` is updated), or a bad change. */
export function drawChange(rng: Rng, current: ChangeableValues, valid: boolean): PlannedConfigChange {
  if (!valid) return { body: { ...rng.pick(BAD_CHANGES) }, valid };
  const field = rng.pick(Object.keys(CHANGEABLE) as ChangeableField[]);
  const [lo, hi] = CHANGEABLE[field];
  const now = current[field];
  // One draw over the range without the current value.
  let value = rng.int(lo, now >= lo && now <= hi ? hi - 1 : hi);
  if (now >= lo && now <= hi && value >= now) value += 1;
  current[field] = value;
  return { body: { [field]: value }, valid };
}

/** A config change sent (PATCH /api/bots/:id/config) and how the API answered it for good. */
export interface ConfigChangeSent {
  botId: string;
  eventId: number;
  body: Record<string, unknown>;
  valid: boolean;
  /** The definite answer: 200 (applied), a 4xx (refused), or the last status seen (null: no HTTP answer). */
  status: number | null;
  /** Epoch ms of the 200 or the 400; null when neither came. */
  answeredAt: number | null;
  /** The error code of a 4xx (invalid_config for a bad change). */
  errorCode?: string;
  /** The bot's config in the 200 answer (its new status). */
  configAfter?: Record<string, unknown>;
  /** Attempts that may have reached the bot without an answer (timeouts, 5xx). */
  ambiguous: number;
}

/**
 * Sends a planned change until the API answers 200 or 400 (the validator's verdict), whichever it deserves; as
 * planned when a good change was applied, a bad one refused as invalid_config.
 */
export async function sendConfigChange(
  apiUrl: string,
  e: PlannedEvent,
): Promise<{ sent: ConfigChangeSent; outcome: OperatorOutcome; asPlanned: boolean }> {
  const { body, valid } = e.change!;
  const outcome = await sendUntilAccepted(
    apiUrl,
    'PATCH',
    `/api/bots/${e.target}/config`,
    body,
    (s) => s === 200 || s === 400,
  );
  const answer = outcome.body as { config?: Record<string, unknown>; error?: { code?: string } } | null;
  const sent: ConfigChangeSent = {
    botId: e.target,
    eventId: e.id,
    body,
    valid,
    status: outcome.status,
    answeredAt: outcome.acceptedAt,
    errorCode: outcome.status !== null && outcome.status < 500 ? answer?.error?.code : undefined,
    configAfter: outcome.status === 200 ? answer?.config : undefined,
    ambiguous: outcome.ambiguous,
  };
  const asPlanned = valid ? sent.status === 200 : sent.status === 400 && sent.errorCode === 'invalid_config';
  // The answer's body (a whole bot status) stays out of the event record.
  return { sent, outcome: { ...outcome, body: undefined }, asPlanned };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Invariant 7's part on config changes: per bot, the `updateConfig` updates completed in its history (every run)
 * are at least the good changes the API answered 200 and at most those plus their ambiguous attempts; no bad
 * change was answered anything but 400 invalid_config or has an update in history; the bot's final config holds,
 * for each field changed, the value of the last change accepted.
 */
export function configChangesApplied(o: Observations): { violations: string[]; figures: Record<string, unknown> } {
  const violations: string[] = [];
  const sent = o.configChanges;
  const perBot: Record<string, unknown> = {};
  let updatesInHistory = 0;
  for (const bot of o.bots) {
    const id = bot.config.id;
    const mine = sent.filter((c) => c.botId === id);
    const updates = (o.facts.find((f) => f.botId === id)?.updates ?? []).filter((u) => u.name === UPDATE_NAME);
    const completed = updates.filter((u) => u.outcome === 'success');
    updatesInHistory += completed.length;
    for (const u of updates.filter((x) => x.outcome !== 'success')) {
      violations.push(`${id}: update ${u.updateId} (run ${u.run}, event ${u.eventId}) accepted but ${u.outcome}`);
    }
    const good = mine.filter((c) => c.valid);
    const accepted = good.filter((c) => c.status === 200).length;
    const ambiguous = good.reduce((s, c) => s + c.ambiguous, 0);
    if (completed.length < accepted)
      violations.push(`${id}: ${accepted} config changes answered 200, ${completed.length} updates in its history`);
    if (completed.length > accepted + ambiguous) {
      violations.push(
        `${id}: ${completed.length} config updates in its history, but only ${accepted} answered 200 (+${ambiguous} ambiguous)`,
      );
    }
    for (const u of updates.filter((x) => !mine.some((c) => same(x.input, c.body)))) {
      violations.push(`${id}: update ${JSON.stringify(u.input)} (run ${u.run}, event ${u.eventId}) was never sent`);
    }
    for (const c of mine) {
      const answer =
        c.status === null ? 'no definite answer' : `HTTP ${c.status}${c.errorCode ? ` ${c.errorCode}` : ''}`;
      if (c.valid && c.status !== 200)
        violations.push(`${id}: good change #${c.eventId} ${JSON.stringify(c.body)}: ${answer}`);
      if (!c.valid && !(c.status === 400 && c.errorCode === 'invalid_config'))
        violations.push(`${id}: bad change #${c.eventId} ${JSON.stringify(c.body)}: ${answer}, not 400 invalid_config`);
      const traces = updates.filter((u) => same(u.input, c.body));
      if (!c.valid && traces.length > 0)
        violations.push(`${id}: bad change #${c.eventId} has ${traces.length} update(s) in its history`);
      if (c.valid && c.status === 200) {
        for (const [field, value] of Object.entries(c.body)) {
          if (c.configAfter?.[field] !== value)
            violations.push(`${id}: change #${c.eventId} answered 200 with ${field} ${String(c.configAfter?.[field])}`);
        }
      }
    }
    // The last accepted value of each field changed is the one the bot ends with.
    const expected: Record<string, unknown> = {};
    for (const c of good.filter((x) => x.status === 200).sort((a, b) => a.answeredAt! - b.answeredAt!)) {
      Object.assign(expected, c.body);
    }
    const final = o.finalConfig[id];
    for (const [field, value] of Object.entries(expected)) {
      if (final?.[field] !== value) {
        violations.push(
          `${id}: ${field} should end at ${String(value)} (its last change accepted), the bot says ${final ? String(final[field]) : 'nothing'}`,
        );
      }
    }
    if (mine.length > 0 || updates.length > 0) {
      perBot[id] = {
        accepted,
        refused: mine.filter((c) => c.status === 400).length,
        ambiguousAttempts: mine.reduce((s, c) => s + c.ambiguous, 0),
        updatesInHistory: completed.length,
        expected,
      };
    }
  }
  return {
    violations,
    figures: {
      changesSent: sent.length,
      changesAccepted: sent.filter((c) => c.status === 200).length,
      changesRefused: sent.filter((c) => c.status === 400).length,
      updatesInHistory,
      ambiguous: sent.reduce((s, c) => s + c.ambiguous, 0),
      configChangesPerBot: perBot,
    },
  };
}
