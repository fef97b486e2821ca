import { request } from 'node:http';
import { failNextVolumeListing, VENDOR_CODE } from './faults.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/providers/tenancy.js';
import { wsClient, wsUrl, subscribe, BACKUP_EVENTS } from '../live-status/live-clients.js';
import { HUAWEI_KEYS, startStack, ZSTACK_PASSWORD, type Stack } from '../support/stack.js';

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

const INFO = 30;
const WARN = 40;

describe('logs at the default level: one line per operation, refused keys and upstream failures at warn', () => {
  let stack: Stack;
  const lines = (): LogLine[] => stack.logs.map((line) => JSON.parse(line) as LogLine);
  const since = (mark: number) => lines().slice(mark);

  beforeAll(async () => {
    stack = await startStack({
      extra: {
        tenants: [{ name: 'acme', apiKeys: [{ sha256: sha256Hex('key-acme'), label: 'console' }], providers: [] }],
      },
    });
  });
  afterAll(() => stack.close());

  it('writes one info line per operation with the caller\'s x-request-id, tenant, key label, name, type, duration and upstream calls', async () => {
    const mark = stack.logs.length;
    stack.clearUpstreamRequests();
    const answer = await stack.graphql('query Ping { __typename }', {}, { headers: { 'x-request-id': 'req-from-the-caller-1' } });
    expect(answer.headers.get('x-request-id')).toBe('req-from-the-caller-1');
    const operations = since(mark).filter((line) => line.msg === 'operation');
    expect(operations).toHaveLength(1);
    expect(operations[0]).toMatchObject({
      level: INFO,
      requestId: 'req-from-the-caller-1',
      tenant: 'acme',
      keyLabel: 'console',
      operationName: 'Ping',
      operationType: 'query',
      upstreamCalls: 0,
      errorCodes: [],
    });
    expect(operations[0]!.durationMs).toEqual(expect.any(Number));
  });

  it('logs a refused key at warn with the remote address, over HTTP and WebSocket, and never the key', async () => {
    const mark = stack.logs.length;
    const refused = await stack.graphql('{ __typename }', {}, { apiKey: 'not-a-key-of-ours' });
    expect(refused.status).toBe(401);
    const client = wsClient(wsUrl(stack), 'not-a-key-either');
    const live = subscribe(client, BACKUP_EVENTS);
    await expect(live.ended).rejects.toBeDefined();
    await client.dispose();
    const warnings = since(mark).filter((line) => line.msg === 'API key refused');
    expect(warnings).toHaveLength(2);
    for (const warning of warnings) expect(warning).toMatchObject({ level: WARN, remoteAddress: '127.0.0.1', reason: 'unknown key' });
    expect(stack.logs.slice(mark).join('')).not.toContain('not-a-key');
  });

  it('logs refused keys with their request id, a few lines per source address and minute however many knock', async () => {
    const mark = stack.logs.length;
    // From an address of its own (127.0.0.2), so that the tests before have not used up its lines.
    const knock = (n: number) =>
      new Promise<number>((resolve, reject) => {
        const url = new URL(stack.gateway.graphqlUrl);
        request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress: '127.0.0.2', headers: { authorization: 'Bearer guess', 'content-type': 'application/json', 'content-length': 2, 'x-request-id': `knock-${n}` } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        })
          .on('error', reject)
          .end('{}');
      });
    const statuses: number[] = [];
    for (let n = 1; n <= 120; n += 1) statuses.push(await knock(n));
    expect(new Set(statuses)).toEqual(new Set([401]));
    await expect.poll(() => since(mark).filter((line) => line.msg === 'API key refused' && line.remoteAddress === '127.0.0.2').length).toBe(7);
    const warnings = since(mark).filter((line) => line.msg === 'API key refused' && line.remoteAddress === '127.0.0.2');
    // The first five in full, then at the 10th and the 100th, each with its own request id.
    expect(warnings.map((line) => [line.requestId, line.refusedThisMinute])).toEqual([1, 2, 3, 4, 5, 10, 100].map((n) => [`knock-${n}`, n]));
  });
});

describe('logs of operations that call vendors', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('counts the upstream calls of an operation and warns of an upstream failure with provider, route, status and vendor code', async () => {
    const mark = stack.logs.length;
    stack.clearUpstreamRequests();
    failNextVolumeListing(stack);
    await stack.graphql('query Volumes { volumes(first: 2) { edges { node { name } } } }');
    const upstream = stack.upstreamRequests();
    const logged = stack.logs.slice(mark).map((line) => JSON.parse(line) as LogLine);

    const operation = logged.find((line) => line.msg === 'operation');
    expect(operation).toMatchObject({ operationName: 'Volumes', upstreamCalls: upstream.length, errorCodes: ['UPSTREAM_ERROR'] });
    const failures = logged.filter((line) => line.msg === 'upstream call failed');
    // One line per failure (identical ones within the log window are folded into the next line).
    expect(upstream.filter((request) => request.status === 503)).toHaveLength(1);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      level: WARN,
      requestId: operation!.requestId,
      provider: 'acme/zs',
      method: 'GET',
      route: '/zstack/v1/volumes',
      status: 503,
      vendorCode: VENDOR_CODE,
    });
    const text = stack.logs.join('');
    for (const secret of [stack.apiKey, ZSTACK_PASSWORD, HUAWEI_KEYS.secretKey]) expect(text).not.toContain(secret);
  });
});
