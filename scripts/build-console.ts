import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds the console (console/ → console/dist) with Vite. `--if-stale` skips the build when
 * console/dist is newer than every source it is made from, so `npm start`, `npm run build` and the
 * test run build it once on a fresh clone and again only after an edit.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILT = join(ROOT, 'console/dist/index.html');
/** What the bundle is made from: the console's own files and the typed documents codegen writes. */
const SOURCES = ['console/index.html', 'console/vite.config.ts', 'console/src', 'schema/client'].map((path) => join(ROOT, path));

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

export function consoleIsStale(): boolean {
  return !existsSync(BUILT) || Math.max(...SOURCES.map(newestChange)) > statSync(BUILT).mtimeMs;
}

export async function buildConsole(): Promise<void> {
  // Imported here: the gateway itself never loads Vite (a devDependency).
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'console/vite.config.ts'), logLevel: 'warn' });
}

export async function ensureConsoleBuilt(): Promise<void> {
  if (consoleIsStale()) await buildConsole();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await (process.argv.includes('--if-stale') ? ensureConsoleBuilt() : buildConsole());
}
