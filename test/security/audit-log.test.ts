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

  it('writes at the default level (info) whatever the gateway logs, and no secret anywhere', () => {
    const all = stack.logs.join('');
    for (const secret of ['key-secret-ops-91bc', 'key-secret-reader-7f3a', stack.apiKey, ZSTACK_PASSWORD, HUAWEI_KEYS.secretKey]) expect(all).not.toContain(secret);
    expect(auditLines(stack).every((line) => (line as unknown as { level: number }).level === 30)).toBe(true);
  });
});
