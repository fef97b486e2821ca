import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ZSTACK_PASSWORD } from './stack.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A gateway in its own process, as an operator runs it (`src/main.ts --config`), with its log lines. */
export class GatewayProcess {
  readonly lines: Record<string, unknown>[] = [];
  private readonly waiters: { test: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }[] = [];
  readonly process: ChildProcess;
  readonly exited: Promise<void>;

  constructor(configPath: string, env: Record<string, string> = {}) {
    this.process = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--config', configPath], {
      cwd: ROOT,
      env: { ...process.env, ZS_PASSWORD: ZSTACK_PASSWORD, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.exited = new Promise((resolve) => this.process.once('exit', () => resolve()));
    createInterface({ input: this.process.stdout! }).on('line', (text) => {
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return;
      }
      this.lines.push(line);
      for (const waiter of [...this.waiters]) {
        if (waiter.test(line)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    });
  }

  logged(message: string): Promise<Record<string, unknown>> {
    const test = (line: Record<string, unknown>) => line.msg === message;
    const seen = this.lines.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  async url(): Promise<string> {
    return String((await this.logged('backupgraph listening')).url);
  }

  async stop(signal: NodeJS.Signals): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill(signal);
    await this.exited;
  }
}
