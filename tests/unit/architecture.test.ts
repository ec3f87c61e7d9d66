import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { botWorkflow } from '../../src/workflows/bot';
import type { BotWorkflow } from '../../src/workflows/messages';

// The boundaries issue #12 asked for, kept: config is the one reader of the environment, the ledger module owns
// the ledger's SQL (only it, the market-data cache, migrations and the composition roots touch `pg`), the API
// reaches no activity, not even through a type, and src/ imports nothing from tests/ or scripts/.

const ROOT = path.resolve(__dirname, '..', '..');
const SRC = path.join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const rel = (file: string) => path.relative(ROOT, file).split(path.sep).join('/');
const files = sourceFiles(SRC).map((file) => ({ file, name: rel(file), text: readFileSync(file, 'utf8') }));
/** Every relative import or re-export, `import type` included. */
const importsOf = (text: string) =>
  [...text.matchAll(/(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gs)].map((m) => m[1]);

function resolve(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  return [`${base}.ts`, path.join(base, 'index.ts')].find((f) => existsSync(f));
}

/** The modules `entry` reaches through its imports, type imports included. */
function reachable(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const next = resolve(file, spec);
      if (next) visit(next);
    }
  };
  visit(path.join(ROOT, entry));
  return [...seen].map(rel);
}

it('reads process.env only in src/config.ts', () => {
  expect(files.filter((f) => /process\.env/.test(f.text)).map((f) => f.name)).toEqual(['src/config.ts']);
});

it('lets only the ledger, the market-data cache, src/db and the composition roots import pg', () => {
  const allowed = /^src\/(ledger\/|db\/|marketdata\/cache\.ts$|runtime\/(database|workerPart|apiPart)\.ts$)/;
  const usesPg = files.filter((f) => /from 'pg'/.test(f.text)).map((f) => f.name);
  expect(usesPg.filter((name) => !allowed.test(name))).toEqual([]);
});

it('keeps the ledger SQL in src/ledger', () => {
  const ledgerTables = /\b(FROM|INTO|UPDATE|JOIN)\s+(accounts|orders|fills|positions|cycle_journal|bot_learning)\b/;
  const outside = files.filter((f) => !f.name.startsWith('src/ledger/') && ledgerTables.test(f.text));
  expect(outside.map((f) => f.name)).toEqual([]);
});

it('builds the API without the activities or the worker', () => {
  const api = reachable('src/apiMain.ts');
  expect(api.filter((name) => /^src\/(activities\/|worker\.ts|runtime\/workerPart\.ts)/.test(name))).toEqual([]);
});

it("types the API's workflow calls with the bot workflow's own signature", () => {
  type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
  const same: Same<BotWorkflow, typeof botWorkflow> = true; // a compile error when they drift apart
  expect(same).toBe(true);
});

it('imports nothing from tests/ or scripts/ into src/', () => {
  const outward = files.filter((f) =>
    importsOf(f.text).some((spec) => /^(tests|scripts)\//.test(rel(path.resolve(path.dirname(f.file), spec)))),
  );
  expect(outward.map((f) => f.name)).toEqual([]);
});
