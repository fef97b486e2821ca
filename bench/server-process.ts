import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeHeapSnapshot } from 'node:v8';
import { COMPILED } from './support/processes.js';

/**
 * A benchmarked server in a child process of its own, as in production, and the IPC both sides
 * speak: the parent asks for memory after a full GC (children run with --expose-gc, so memory per
 * subscriber is not blurred by garbage not yet collected), for a CPU profile of a phase
 * (BENCH_PROFILE_DIR; the delivery rounds only, without start-up and connecting) and to stop.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface Memory {
  rss: number;
  heapUsed: number;
}

export interface ServerProcess {
  url: string;
  pid: number;
  memory(): Promise<Memory>;
  startProfile(): Promise<void>;
  /** Writes `<BENCH_PROFILE_DIR>/<name>.cpuprofile`. */
  stopProfile(name: string): Promise<void>;
  stop(): Promise<void>;
}

type Message = { type: string; name?: string };

/**
 * Parent side: `script` (compiled by `buildForBench`) must
 * call `serveBenchControl`. Compiled JS as production runs it: under tsx every named function
 * carries a property dictionary of its own, which inflates memory per subscriber.
 */
export async function startServerProcess(script: string, args: string[], env: Record<string, string> = {}): Promise<ServerProcess> {
  const flags = process.env.BENCH_GATEWAY_FLAGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...flags, '--expose-gc', join(COMPILED, script.replace(/\.ts$/, '.js')), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ask = <T>(request: Message, answer: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (message: { type: string } & T) => {
        if (message.type !== answer) return;
        child.off('message', onMessage);
        resolve(message);
      };
      child.on('message', onMessage);
      void exited.then(() => reject(new Error(`${script} exited while the benchmark waited for ${answer}`)));
      if (request.type !== 'none') child.send(request);
    });
  const { url } = await ask<{ url: string }>({ type: 'none' }, 'listening');
  return {
    url,
    pid: child.pid!,
    memory: () => ask<Memory>({ type: 'memory' }, 'memory'),
    startProfile: () => ask<void>({ type: 'profile-start' }, 'profiling'),
    stopProfile: (name) => ask<void>({ type: 'profile-stop', name }, 'profiled'),
    async stop() {
      child.send({ type: 'stop' });
      await exited;
    },
  };
}

/** Child side: announces `url` and answers the parent until it says stop. */
export function serveBenchControl(url: string, close: () => Promise<void>): void {
  const profiler = new Session();
  process.send!({ type: 'listening', url });
  process.on('message', async (message: Message) => {
    if (message.type === 'memory') {
      (globalThis as { gc?: () => void }).gc?.();
      if (process.env.BENCH_HEAP_SNAPSHOT) writeHeapSnapshot(`${process.env.BENCH_HEAP_SNAPSHOT}-${Date.now()}.heapsnapshot`);
      const { rss, heapUsed } = process.memoryUsage();
      process.send!({ type: 'memory', rss, heapUsed });
    } else if (message.type === 'profile-start') {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
      process.send!({ type: 'profiling' });
    } else if (message.type === 'profile-stop') {
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(join(process.env.BENCH_PROFILE_DIR!, `${message.name}.cpuprofile`), JSON.stringify(profile));
      profiler.disconnect();
      process.send!({ type: 'profiled' });
    } else if (message.type === 'stop') {
      await close();
      process.exit(0);
    }
  });
}
