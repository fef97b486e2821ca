import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * The benchmark's servers run as compiled JavaScript in processes of their own, the way production
 * runs them: this one only generates load. Children announce themselves over IPC (peers,
 * simulators) or with backupgraph's own "listening" log line.
 */

export const COMPILED = 'dist';

/** Compiles the gateway and the benchmark's servers into COMPILED (tsc -p tsconfig.bench.json). */
export function buildForBench(): void {
  console.log('\nbuilding compiled JS (tsc -p tsconfig.bench.json) ...');
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.bench.json'], { stdio: 'inherit' });
}

/** Starts a compiled peer script and waits for its first IPC message. */
export async function forkPeer<T>(script: string, env: Record<string, string>, execArgv: string[] = []): Promise<{ child: ChildProcess; ready: T }> {
  const child = fork(`${COMPILED}/${script}`, [], { env: { ...process.env, ...env }, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [ready] = (await Promise.race([once(child, 'message'), once(child, 'exit').then(() => Promise.reject(new Error(`${script} exited before it was ready`)))])) as [T];
  return { child, ready };
}

/** Sends one IPC message and waits for the answer. */
export async function ask<T>(child: ChildProcess, message: unknown): Promise<T> {
  const answer = once(child, 'message');
  child.send(message as never);
  return ((await answer) as [T])[0];
}

/** backupgraph's `node dist/src/main.js --config <file>`; resolves with its GraphQL URL. */
export async function startGateway(configPath: string, env: Record<string, string>, execArgv: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(`${COMPILED}/src/main.js`, ['--config', configPath], {
    env: { ...process.env, ...env },
    execArgv,
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const lines = createInterface({ input: child.stdout! });
  const exited = once(child, 'exit').then(() => Promise.reject(new Error('backupgraph exited before it was listening')));
  const listening = new Promise<string>((resolve) => {
    lines.on('line', (line) => {
      const entry = (line.startsWith('{') ? JSON.parse(line) : {}) as { msg?: string; url?: string };
      if (entry.msg !== 'backupgraph listening' || !entry.url) return;
      // From here on its log is drained unread, so that a full pipe never stalls the gateway.
      lines.close();
      child.stdout!.resume();
      resolve(entry.url);
    });
  });
  return { child, url: await Promise.race([listening, exited]) };
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/** Resident set size of a running process, in MiB (Linux). */
export function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.match(/(\d+)/)?.[1] ?? NaN) / 1024;
}

/** CPU time (user + system) a running process has used so far, in ms (Linux, clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  // Fields after the command name, which sits in parentheses and may hold spaces.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
