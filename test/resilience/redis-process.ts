import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { refusedPortUrl } from './endpoints.js';

/**
 * A redis-server of the test's own on an ephemeral port, which the test can freeze (SIGSTOP: the
 * connection stays up and nothing answers, as a stuck or swapped-out Redis looks) or kill (then its
 * port refuses connections). Nothing is persisted.
 */

export interface RedisProcess {
  url: string;
  freeze(): void;
  kill(): Promise<void>;
}

export async function startRedisProcess(): Promise<RedisProcess> {
  // A port nobody listens on, for this server to take.
  const port = Number(new URL(await refusedPortUrl()).port);
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk) => {
      output += String(chunk);
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  return {
    url: `redis://127.0.0.1:${port}`,
    freeze: () => void child.kill('SIGSTOP'),
    async kill() {
      if (exited) return;
      const gone = once(child as ChildProcess, 'exit');
      child.kill('SIGKILL');
      await gone;
    },
  };
}
