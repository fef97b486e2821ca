import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

describe('the gateway serves the console only when asked, never with a key outside demo mode, and nothing outside console/dist', () => {
  let stack: Stack;
  afterEach(() => stack.close());

  it('server.console off (the default): /console is not the page', async () => {
    stack = await startStack();
    const response = await fetch(`${stack.gateway.url}/console`);
    // Not a page of the gateway's: it falls through to the GraphQL admission, which wants a key first.
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain('backupgraph console');
  });

  it('server.console on: the page (no key in it), its hashed assets cached for good, no way out of the assets folder, GET only', async () => {
    stack = await startStack({ extra: { server: { port: 0, host: '127.0.0.1', console: true } } });
    const page = await fetch(`${stack.gateway.url}/console`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('<title>backupgraph console</title>');
    expect(html).not.toContain('backupgraph-demo-key');
    expect(html).not.toMatch(/(src|href)="https?:/);

    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const asset = await fetch(`${stack.gateway.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');

    // fetch would normalise `..` away; the raw path is what a hostile client sends.
    const escaped = await new Promise<number>((resolve, reject) => {
      const url = new URL(stack.gateway.url);
      request({ host: url.hostname, port: url.port, path: '/console/assets/../../package.json' }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      })
        .on('error', reject)
        .end();
    });
    expect(escaped).toBe(404);
    expect((await fetch(`${stack.gateway.url}/console/assets/no-such-file.js`)).status).toBe(404);
    expect((await fetch(`${stack.gateway.url}/console`, { method: 'POST' })).status).toBe(405);
  });
});
