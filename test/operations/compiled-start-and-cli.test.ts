import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { sha256Hex } from '../../src/providers/tenancy.js';
import { startZStackSimulator, type ZStackSimulator } from '../../src/simulators/zstack/index.js';
import { ZSTACK_PASSWORD } from '../support/stack.js';

const run = promisify(execFile);
const API_KEY = 'key-for-the-compiled-gateway';
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string; scripts: Record<string, string>; bin: Record<string, string> };
const { version } = manifest;
/** `npm run start:prod` is `node <main>`: the command the README, the Dockerfile and the manifests use. */
const COMPILED_MAIN = manifest.scripts['start:prod']!.replace(/^node /, '');

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [COMPILED_MAIN, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run build, then the compiled gateway and its command line', () => {
  let dir: string;
  let zstack: ZStackSimulator;
  let configPath: string;

  beforeAll(async () => {
    await run('npm', ['run', 'build'], { timeout: 240_000 });
    dir = mkdtempSync(join(tmpdir(), 'bg-cli-'));
    zstack = await startZStackSimulator({ password: ZSTACK_PASSWORD, jobDurationMs: 30 });
    configPath = join(dir, 'backupgraph.yaml');
    writeFileSync(
      configPath,
      stringify({
        server: { port: 0, host: '127.0.0.1', graphiql: false },
        // Without Redis (the drain test), the state file goes here rather than into ./data.
        state: { dataDir: join(dir, 'data') },
        redis: { url: 'redis://user:redis-password-never-printed@127.0.0.1:6379' },
        tenants: [
          {
            name: 'acme',
            apiKeys: [{ sha256: sha256Hex(API_KEY), label: 'ops' }],
            providers: [{ kind: 'zstack', name: 'zs', endpoint: zstack.url, accountName: 'admin', password: { env: 'ZS_PASSWORD' } }],
          },
        ],
      }),
    );
  }, 300_000);
  afterAll(async () => {
    await zstack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the bin entry is the production command\'s script', () => {
    expect(manifest.bin.backupgraph).toBe(COMPILED_MAIN);
    expect(readFileSync(COMPILED_MAIN, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  it('--help and --version answer on stdout and exit 0', async () => {
    const help = await cli(['--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: backupgraph \[options\]/);
    for (const flag of ['--config FILE', '--check-config', '--version', '--help']) expect(help.stdout).toContain(flag);
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: `backupgraph ${version}\n`, stderr: '' });
  });

  it('an unknown flag gets one line naming it, then the usage, exit 2, no stack trace', async () => {
    const outcome = await cli(['--port', '80']);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr.split('\n')[0]).toMatch(/^backupgraph: Unknown option '--port'/);
    expect(outcome.stderr).toContain('Usage: backupgraph');
    expect(outcome.stderr).not.toMatch(/\n\s+at /);
  });

  it('--check-config prints the effective config with secrets as references and exits 0; a bad file exits 1 naming the field', async () => {
    const good = await cli(['--check-config', '--config', configPath], { ZS_PASSWORD: ZSTACK_PASSWORD });
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('valid');
    expect(good.stdout).toMatch(/password:\n\s+env: ZS_PASSWORD/);
    expect(good.stdout).toContain('maxDepth: 12');
    expect(good.stdout).not.toContain(ZSTACK_PASSWORD);
    expect(good.stdout).not.toContain('redis-password-never-printed');

    const missingSecret = await cli(['--check-config', '--config', configPath], { ZS_PASSWORD: '' });
    expect(missingSecret.code).toBe(1);
    expect(missingSecret.stderr).toContain('tenants[0].providers[0].password: environment variable ZS_PASSWORD is not set');

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'server: { port: "eighty" }\ntenants: []\n');
    const invalid = await cli(['--check-config', '--config', bad]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('server.port');
    expect(invalid.stderr).not.toMatch(/\n\s+at /);
  });

  it('starts from dist/ with --config, answers a query, and drains on SIGTERM with exit 0', async () => {
    const config = join(dir, 'no-redis.yaml');
    writeFileSync(config, readFileSync(configPath, 'utf8').replace(/redis:\n.*\n/, ''));
    const child = spawn(process.execPath, [COMPILED_MAIN, '--config', config], { env: { ...process.env, ZS_PASSWORD: ZSTACK_PASSWORD, LOG_LEVEL: 'info' } });
    try {
      const url = await listeningUrl(child);
      expect((await fetch(url.replace('/graphql', '/healthz'))).status).toBe(200);
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
        body: JSON.stringify({ query: '{ volumes(first: 2) { edges { node { name } } } }' }),
      });
      const body = (await response.json()) as { data?: { volumes: { edges: unknown[] } }; errors?: unknown };
      expect(body.errors).toBeUndefined();
      expect(body.data!.volumes.edges).toHaveLength(2);
      expect(zstack.server.requests({ method: 'GET' }).length).toBeGreaterThan(0);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});

/** The URL from the compiled gateway's "listening" log line. */
function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'backupgraph listening' && entry.url) resolve(entry.url);
    });
    child.once('exit', (code) => reject(new Error(`the compiled gateway exited with ${code} before listening`)));
  });
}
