import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Reads the `.cpuprofile` that `node --cpu-prof` wrote and prints where the busy samples went: the
 * functions with the most self time, and self time summed per package (or per backupgraph module).
 * Idle samples are left out of the percentages: under load they are the time spent waiting.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

/** Where a script lives: `src/…` for backupgraph, the package name for node_modules, else the URL. */
function ownerOf(url: string): string {
  const source = url.match(/\/dist\/(src\/.*)$/);
  if (source) return source[1]!;
  const pkg = url.match(/.*node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1]!;
  return url.startsWith('node:') ? url : url === '' ? '(native)' : url.replace(/^file:\/\//, '');
}

export interface SelfTime {
  name: string;
  percent: number;
}

export function summarizeProfile(profile: Profile, top = 15): { functions: SelfTime[]; owners: SelfTime[]; busySamples: number } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const functions = new Map<string, number>();
  const owners = new Map<string, number>();
  let busy = 0;
  for (const id of profile.samples) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') continue;
    busy += 1;
    const owner = ownerOf(url);
    const name = url ? `${functionName || '(anonymous)'}  ${owner}:${lineNumber + 1}` : functionName;
    functions.set(name, (functions.get(name) ?? 0) + 1);
    owners.set(owner, (owners.get(owner) ?? 0) + 1);
  }
  const ranked = (counts: Map<string, number>) =>
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, count]) => ({ name, percent: (100 * count) / busy }));
  return { functions: ranked(functions), owners: ranked(owners), busySamples: busy };
}

/** Prints the summary of the one profile in `directory`. */
export function printProfile(directory: string): void {
  const file = readdirSync(directory).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${directory}`);
  const { functions, owners, busySamples } = summarizeProfile(JSON.parse(readFileSync(join(directory, file), 'utf8')) as Profile);
  console.log(`\nCPU profile of the gateway: ${join(directory, file)} (${busySamples} busy samples)`);
  console.log('self % | function (top self time)');
  for (const entry of functions) console.log(`${entry.percent.toFixed(1).padStart(6)} | ${entry.name}`);
  console.log('self % | module or package');
  for (const entry of owners) console.log(`${entry.percent.toFixed(1).padStart(6)} | ${entry.name}`);
}
