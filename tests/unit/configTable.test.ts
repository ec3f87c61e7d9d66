import { readFileSync } from 'node:fs';
import path from 'node:path';
import { configDefaults } from '../../src/config';

// The README's Configuration table is the operator's one list of settings: it must name exactly what config.ts
// reads, and show each default config.ts has.

const readme = readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');

/** The table under "## Configuration": variable name -> its Default cell. */
function configurationTable(): Map<string, string> {
  const section = readme.split(/^## Configuration$/m)[1]?.split(/^## /m)[0] ?? '';
  const rows = [...section.matchAll(/^\| `([A-Z][A-Z0-9_]*)` +\| ([^|]*)\|/gm)];
  return new Map(rows.map((m) => [m[1], m[2].trim()]));
}

const table = configurationTable();
const settings = configDefaults();

it('finds the Configuration table', () => {
  expect(table.size).toBeGreaterThan(10);
});

it('lists every variable config.ts reads, and no other', () => {
  const read = settings.map(([name]) => name).sort();
  expect([...table.keys()].sort()).toEqual(read);
});

it.each(settings.filter(([, fallback]) => fallback !== undefined))('shows the default of %s', (name, fallback) => {
  expect(table.get(name)).toContain(`\`${String(fallback)}\``);
});
