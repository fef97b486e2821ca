import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackup } from '../live-status/live-clients.js';
import { startStack, type Stack } from '../support/stack.js';

/** The client code the README points to runs as written on this Node (20.19+), against a real gateway. */

interface Run {
  /** Resolves when the example printed `connected` on stderr. */
  connected: Promise<void>;
  /** stdout, and the exit code. */
  done: Promise<{ stdout: string; code: number | null; stderr: string }>;
}

function runExample(file: string, args: string[], stack: Stack): Run {
  const child = spawn(process.execPath, [file, ...args], {
    env: { ...process.env, BACKUPGRAPH_URL: stack.gateway.graphqlUrl, BACKUPGRAPH_API_KEY: stack.apiKey },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += String(chunk)));
  const connected = new Promise<void>((resolve) => {
    createInterface({ input: child.stderr }).on('line', (line) => {
      stderr += `${line}\n`;
      if (line === 'connected') resolve();
    });
  });
  const done = new Promise<{ stdout: string; code: number | null; stderr: string }>((resolve) => child.once('close', (code) => resolve({ stdout, code, stderr })));
  return { connected, done };
}

describe('the README\'s client examples', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('are the files the README and its docs pages point to', () => {
    const readme = ['README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)].map((page) => readFileSync(page, 'utf8')).join('\n');
    for (const file of ['examples/query.mjs', 'examples/subscribe-ws.mjs', 'examples/subscribe-sse.mjs']) expect(readme).toContain(file);
  });

  it('query.mjs prints backups', async () => {
    const { stdout, code, stderr } = await runExample('examples/query.mjs', [], stack).done;
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout).data.backups.edges.length).toBeGreaterThan(0);
  });

  it.each(['examples/subscribe-ws.mjs', 'examples/subscribe-sse.mjs'])('%s prints the status change of a backup started after it subscribed', async (file) => {
    const run = runExample(file, ['1'], stack);
    await run.connected;
    await createBackup(stack, `example-${file.includes('ws') ? 'ws' : 'sse'}`);
    const { stdout, code, stderr } = await run.done;
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout.trim())).toMatchObject({ backupStatusChanged: { status: expect.any(String) } });
  });
});
