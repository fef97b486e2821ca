import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUAWEI_KEYS, startStack, ZSTACK_PASSWORD, type Stack } from '../support/stack.js';
import { auditLines, CREATE_VOLUME_BACKUP, DELETE_BACKUP, zstackTargets } from './support.js';

describe('every mutation attempt leaves one audit line', () => {
  let stack: Stack;
  let targets: Awaited<ReturnType<typeof zstackTargets>>;

  beforeAll(async () => {
    stack = await startStack({ keys: [{ key: 'key-secret-reader-7f3a', label: 'dashboard', scopes: ['read'] }, { key: 'key-secret-ops-91bc', label: 'ops' }] });
    targets = await zstackTargets(stack);
  });
  afterAll(() => stack.close());

  const create = (apiKey: string, name: string, requestId: string) =>
    stack.graphql(CREATE_VOLUME_BACKUP, { input: { volumeId: targets.volumeId, backupStorageId: targets.storageId, name } }, { apiKey, headers: { 'x-request-id': requestId } });

  it('records the accepted, the refused (and why) and the vendor-failed, with tenant, key label, targets, job and request id', async () => {
    const accepted = await create('key-secret-ops-91bc', 'audited', 'req-accepted');
    const jobVendorId = (accepted.body.data as { createVolumeBackup: { job: { vendorId: string } } }).createVolumeBackup.job.vendorId;
    await create('key-secret-reader-7f3a', 'not-allowed', 'req-forbidden');
    await create('key-secret-ops-91bc', 'x'.repeat(300), 'req-invalid');
    stack.zstack!.server.injectFault({
      method: 'POST',
      pathIncludes: '/volume-backups',
      times: 1,
      fault: { type: 'vendorError', status: 503, body: { error: { code: 'SYS.1007', description: 'One or more API argument is invalid' } } },
    });
    await create('key-secret-ops-91bc', 'vendor-refuses', 'req-vendor');
    await stack.graphql(DELETE_BACKUP, { id: targets.backupId.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) }, { apiKey: 'key-secret-ops-91bc', headers: { 'x-request-id': 'req-missing' } });

    const lines = auditLines(stack);
    const byRequest = (id: string) => lines.filter((line) => line.requestId === id);
    expect(byRequest('req-accepted')).toEqual([
      expect.objectContaining({ tenant: 'acme', key: 'ops', operation: 'createVolumeBackup', targets: expect.arrayContaining([targets.volumeId, targets.storageId]), outcome: 'accepted', vendorJobId: jobVendorId }),
    ]);
    expect(byRequest('req-forbidden')).toEqual([expect.objectContaining({ key: 'dashboard', operation: 'createVolumeBackup', outcome: 'refused', reason: 'FORBIDDEN', targets: expect.arrayContaining([targets.volumeId, targets.storageId]) })]);
    expect(byRequest('req-invalid')).toEqual([expect.objectContaining({ outcome: 'refused', reason: 'VALIDATION', field: 'name' })]);
    expect(byRequest('req-vendor')).toEqual([expect.objectContaining({ outcome: 'vendor-error', vendorCode: 'SYS.1007' })]);
    expect(byRequest('req-missing')).toHaveLength(1);
    for (const line of lines) expect(typeof line.time).toBe('number');
  });

  it('records mutations refused before they ran: invalid, too deep, several operations without a name, over GET, not JSON', async () => {
    const ops = 'key-secret-ops-91bc';
    const input = `{ volumeId: "${targets.volumeId}", backupStorageId: "${targets.storageId}", name: "early" }`;
    const post = (body: string, requestId: string, contentType = 'application/json') =>
      fetch(stack.gateway.graphqlUrl, { method: 'POST', headers: { authorization: `Bearer ${ops}`, 'content-type': contentType, 'x-request-id': requestId }, body });
    const deep = `mutation { createVolumeBackup(input: ${input}) { ${'job { backup { '.repeat(7)}id${' } }'.repeat(7)} } }`;
    const statuses = [
      (await post(JSON.stringify({ query: `mutation { createVolumeBackup(input: { volumeId: 1 }) { __typename } }` }), 'req-invalid-document')).status,
      (await post(JSON.stringify({ query: deep }), 'req-too-deep')).status,
      (await post(JSON.stringify({ query: `query A { providers { name } } mutation B { createVolumeBackup(input: ${input}) { __typename } }` }), 'req-two-operations')).status,
      (await fetch(`${stack.gateway.graphqlUrl}?query=${encodeURIComponent(`mutation { createVolumeBackup(input: ${input}) { __typename } }`)}`, {
        headers: { authorization: `Bearer ${ops}`, 'x-request-id': 'req-over-get' },
      })).status,
      (await post(`query=${encodeURIComponent(`mutation { createVolumeBackup(input: ${input}) { __typename } }`)}`, 'req-form', 'application/x-www-form-urlencoded')).status,
      (await post(JSON.stringify({ query: 'mutation { createVolumeBackup(input: {' }), 'req-unparsable')).status,
    ];
    expect(statuses.slice(3, 5)).toEqual([405, 415]);

    const lines = auditLines(stack);
    const refusal = (id: string) => lines.filter((line) => line.requestId === id).map((line) => ({ key: line.key, operation: line.operation, outcome: line.outcome, reason: line.reason }));
    const line = (operation: string | null, reason: string) => [{ key: 'ops', operation, outcome: 'refused', reason }];
    expect(refusal('req-invalid-document')).toEqual(line('createVolumeBackup', 'GRAPHQL_VALIDATION_FAILED'));
    expect(refusal('req-too-deep')).toEqual(line('createVolumeBackup', 'DEPTH_LIMIT'));
    expect(refusal('req-two-operations')).toEqual(line('createVolumeBackup', expect.any(String) as unknown as string));
    expect(refusal('req-over-get')).toEqual(line('createVolumeBackup', 'METHOD_NOT_ALLOWED'));
    expect(refusal('req-form')).toEqual(line(null, 'UNSUPPORTED_MEDIA_TYPE'));
    expect(refusal('req-unparsable')).toEqual(line('(unparsed)', 'GRAPHQL_PARSE_FAILED'));
    // A query refused the same way is no mutation attempt: no audit line.
    await post(JSON.stringify({ query: '{ providerz { name } }' }), 'req-bad-query');
    expect(refusal('req-bad-query')).toEqual([]);
  });

  it('writes at the default level (info) whatever the gateway logs, and no secret anywhere', () => {
    const all = stack.logs.join('');
    for (const secret of ['key-secret-ops-91bc', 'key-secret-reader-7f3a', stack.apiKey, ZSTACK_PASSWORD, HUAWEI_KEYS.secretKey]) expect(all).not.toContain(secret);
    expect(auditLines(stack).every((line) => (line as unknown as { level: number }).level === 30)).toBe(true);
  });
});
