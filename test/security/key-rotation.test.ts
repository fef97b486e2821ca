import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type ConfigFile } from '../../src/infrastructure/config.js';
import { reloadKeysOnChange } from '../../src/server/key-rotation.js';
import { sha256Hex } from '../../src/providers/tenancy.js';
import { BACKUP_EVENTS, subscribe, wsClient, wsUrl } from '../live-status/live-clients.js';
import { eventually } from '../support/eventually.js';
import { startStack, type Stack } from '../support/stack.js';

describe('API keys rotate without a restart', () => {
  let stack: Stack;
  let dir: string;
  let path: string;
  let stopReloading: () => void;

  const withKeys = (keys: string[]): ConfigFile => ({
    ...stack.rawConfig,
    tenants: [{ ...stack.rawConfig.tenants[0]!, apiKeys: keys.map((key) => ({ sha256: sha256Hex(key), label: key })) }],
  });
  const reloads = () => stack.logs.filter((line) => line.includes('API keys reloaded') || line.includes('API keys not reloaded'));

  beforeAll(async () => {
    stack = await startStack({ keys: [{ key: 'key-old', label: 'old' }] });
    dir = mkdtempSync(join(tmpdir(), 'bg-rotation-'));
    path = join(dir, 'config.json');
    writeFileSync(path, JSON.stringify(stack.rawConfig));
    stopReloading = reloadKeysOnChange({ path, load: (p) => parseConfig(JSON.parse(readFileSync(p, 'utf8')), stack.env), gateway: stack.gateway, log: stack.gateway.log });
  });
  afterAll(async () => {
    stopReloading();
    rmSync(dir, { recursive: true, force: true });
    await stack.close();
  });

  it('on SIGHUP, a removed key stops working, its WebSockets close with 4403 and its SSE subscriptions end; a new key works', async () => {
    const sse = await fetch(stack.gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: 'Bearer key-old' },
      body: JSON.stringify({ query: BACKUP_EVENTS }),
    });
    const sseEnded = sse.text();
    const client = wsClient(wsUrl(stack), 'key-old');
    const closed = new Promise<number>((resolve) => client.on('closed', (event) => resolve((event as { code: number }).code)));
    const connected = new Promise<void>((resolve) => client.on('connected', () => resolve()));
    subscribe(client, BACKUP_EVENTS, {});
    await connected;
    const before = reloads().length;
    writeFileSync(path, JSON.stringify(withKeys([stack.apiKey, 'key-new'])));
    process.emit('SIGHUP');
    expect(await closed).toBe(4403);
    expect(await sseEnded).toContain('event: complete');
    expect((await stack.graphql('{ providers { name } }', undefined, { apiKey: 'key-old' })).status).toBe(401);
    expect((await stack.graphql('{ providers { name } }', undefined, { apiKey: 'key-new' })).status).toBe(200);
    expect(reloads().length).toBeGreaterThan(before);
    await client.dispose();
  });

  it('refuses a bad new config, keeps the keys in force, and logs why', async () => {
    const before = reloads().length;
    writeFileSync(path, JSON.stringify({ ...withKeys(['key-bad']), tenants: [{ name: 'acme', apiKeys: [{ sha256: 'not-hex' }] }] }));
    process.emit('SIGHUP');
    const refused = reloads().slice(before).find((line) => line.includes('not reloaded'));
    expect(refused).toContain('sha256');
    expect((await stack.graphql('{ providers { name } }', undefined, { apiKey: 'key-new' })).status).toBe(200);
    expect((await stack.graphql('{ providers { name } }', undefined, { apiKey: 'key-bad' })).status).toBe(401);
  });

  it('also reloads when the file changes', async () => {
    writeFileSync(path, JSON.stringify(withKeys([stack.apiKey, 'key-newer'])));
    await eventually(() => stack.graphql('{ providers { name } }', undefined, { apiKey: 'key-newer' }).then((r) => r.status), (status) => status === 200);
    expect((await stack.graphql('{ providers { name } }', undefined, { apiKey: 'key-new' })).status).toBe(401);
  });
});
