import { afterEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

const BACKUPS = '{ backups(first: 50) { edges { node { id } } } }';

interface LogLine {
  level: number;
  msg: string;
  requestId?: string;
  [field: string]: unknown;
}

describe('log hygiene under upstream faults', () => {
  let stack: Stack;
  afterEach(() => stack?.close());

  const lines = (): LogLine[] => stack.logs.flatMap((chunk) => chunk.split('\n').filter(Boolean)).map((line) => JSON.parse(line) as LogLine);

  it('an expected upstream failure is one warn line with provider, route, status, vendor code, request id and duration; repeats are rate-limited; no stack, no error level', async () => {
    stack = await startStack({ vbs: {}, zstack: false });
    await stack.graphql('{ providers { name } }');
    stack.vbs!.server.injectFault({
      fault: { type: 'vendorError', status: 500, body: { error_code: 'APIGW.0202', error_msg: 'Internal error of the backend service' } },
      pathIncludes: '/backups',
    });
    stack.logs.length = 0;
    for (let request = 0; request < 5; request += 1) {
      const listed = await stack.graphql(BACKUPS, undefined, { headers: { 'x-request-id': `hygiene-${request}` } });
      expect(listed.body.errors?.map((e) => e.extensions?.vendorCode)).toEqual(['APIGW.0202']);
    }

    const failures = lines().filter((line) => line.msg === 'upstream call failed');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      level: 40,
      provider: 'acme/vbs',
      method: 'GET',
      route: '/v2/{id}/backups/detail',
      status: 500,
      vendorCode: 'APIGW.0202',
      reason: null,
      requestId: 'hygiene-0',
      attempts: 1,
    });
    expect(typeof failures[0]!.durationMs).toBe('number');
    expect(stack.logs.join('')).not.toMatch(/"stack"|\n\s+at /);
    expect(lines().filter((line) => line.level >= 50)).toEqual([]);
  });
});
