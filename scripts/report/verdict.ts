// The summary of a soak or benchmark run: one row per criterion, and the verdict they add up to.

export interface SummaryRow {
  /** The criterion, e.g. "RSS growth per hour". */
  label: string;
  /** What was measured, formatted by the caller ("12.4 MB/h"). */
  value: string | number;
  threshold?: string;
  /** true PASS, false FAIL, null not judged (not enough data: say why in `note`), absent: a fact, not a criterion. */
  pass?: boolean | null;
  /** Why a criterion is n/a, e.g. "needs 20 min of data". */
  note?: string;
}

export type VerdictStatus = 'pass' | 'fail' | 'incomplete';

export interface Verdict {
  status: VerdictStatus;
  /** One line for the banner: "PASS: all 6 criteria pass". */
  text: string;
}

/** Any failed criterion fails the run; otherwise a criterion not judged leaves it incomplete, not passed. */
export function verdictOf(rows: readonly SummaryRow[]): Verdict {
  const judged = rows.filter((r) => r.pass !== undefined);
  const failed = judged.filter((r) => r.pass === false).length;
  const passed = judged.filter((r) => r.pass === true).length;
  const open = judged.length - failed - passed;
  const of = `${judged.length} ${judged.length === 1 ? 'criterion' : 'criteria'}`;
  if (failed > 0) return { status: 'fail', text: `FAIL: ${failed} of ${of} failed` };
  if (judged.length === 0) return { status: 'incomplete', text: 'NO VERDICT: no criteria' };
  if (open > 0) return { status: 'incomplete', text: `INCOMPLETE: ${passed} of ${of} pass, ${open} n/a` };
  return { status: 'pass', text: `PASS: all ${of} pass` };
}

/** The result cell of a row: "PASS", "FAIL", "n/a: needs 20 min of data", or "" for a plain fact. */
export function resultText(row: SummaryRow): string {
  if (row.pass === true) return 'PASS';
  if (row.pass === false) return 'FAIL';
  if (row.pass === null) return row.note ? `n/a: ${row.note}` : 'n/a';
  return '';
}
