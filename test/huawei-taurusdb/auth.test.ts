import { afterEach, describe, expect, it } from 'vitest';
import { VendorError } from '../../src/domain/errors.js';
import { UpstreamHttp } from '../../src/infrastructure/upstream-http.js';
import { IamTokenSource } from '../../src/providers/huawei/auth/index.js';
import { startIamSimulator } from '../../src/simulators/huawei/index.js';
import { CREDENTIALS, PROJECT_ID, startRig, type Rig } from './harness.js';
import { rawCall } from './raw-client.js';

describe('TaurusDB simulator gateway checks', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const rigWith = async (...args: Parameters<typeof startRig>): Promise<Rig> => {
    const rig = await startRig(...args);
    cleanups.push(() => rig.close());
    return rig;
  };

  it('accepts a correctly signed request', async () => {
    const rig = await rigWith();
    const answer = await rawCall(rig.sim.url, { method: 'GET', path: '/instances', query: { limit: '1' } });
    expect(answer).toMatchObject({ status: 200, body: { total_count: 2 } });
  });

  it.each([
    ['the body', (r: { body: string }) => void (r.body = r.body.replace('nightly', 'nightlx'))],
    ['the query', (r: { query: Record<string, string> }) => void (r.query.limit = '2')],
    ['the path', (r: { path: string }) => void (r.path = r.path.replace(PROJECT_ID, 'ffffffffffffffffffffffffffffffff'))],
    ['the signature', (r: { headers: Record<string, string> }) => void (r.headers.Authorization = r.headers.Authorization!.replace(/.$/, (c) => (c === '0' ? '1' : '0')))],
  ])('rejects a request when %s changed after signing with 401 APIGW.0301, and creates nothing', async (_what, tamper) => {
    const rig = await rigWith();
    const instanceId = [...rig.sim.state.instances.values()][0]!.id;
    const before = rig.sim.state.backups.size;
    const answer = await rawCall(rig.sim.url, {
      method: 'POST',
      path: '/backups/create',
      query: { limit: '1' },
      body: { instance_id: instanceId, name: 'nightly-1' },
      tamper: tamper as never,
    });
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error_code: 'APIGW.0301', error_msg: expect.stringContaining('Incorrect IAM authentication information'), request_id: expect.any(String) });
    expect(rig.sim.state.backups.size).toBe(before);
  });

  it('surfaces a wrong secret key as VendorError APIGW.0301 with HTTP 401, and no secret in the message', async () => {
    const wrong = { accessKey: CREDENTIALS.accessKey, secretKey: 'not-the-secret-key-000000000000000000000' };
    const rig = await rigWith({}, { auth: wrong });
    const error = await rig.provider.listDatabaseInstances({ offset: 0, limit: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorError);
    expect(error).toMatchObject({ vendorCode: 'APIGW.0301', httpStatus: 401 });
    expect((error as Error).message).not.toContain(wrong.secretKey);
    expect((error as Error).message).not.toContain(CREDENTIALS.secretKey);
  });

  it('refuses a path naming another project', async () => {
    const rig = await rigWith();
    const other = 'ffffffffffffffffffffffffffffffff';
    const answer = await rawCall(rig.sim.url, { method: 'GET', path: '/instances', projectId: other });
    expect(answer).toMatchObject({ status: 403, body: { error_code: 'DBS.200044' } });
  });

  it('answers an unknown API in the gateway shape', async () => {
    const rig = await rigWith();
    const answer = await rawCall(rig.sim.url, { method: 'GET', path: '/volumes' });
    expect(answer).toMatchObject({ status: 404, body: { error_code: 'APIGW.0101' } });
  });

  it('works with an IAM token and fetches a new one once when the service says 401', async () => {
    const iam = await startIamSimulator({
      users: [{ name: 'backup-operator', password: 'iam-test-password-1', domain: 'acme', projects: [{ id: PROJECT_ID, name: 'cn-north-4' }] }],
    });
    cleanups.push(() => iam.close());
    const iamHttp = new UpstreamHttp(iam.url, { timeoutMs: 5_000 });
    cleanups.push(() => iamHttp.close());
    const tokens = new IamTokenSource({ http: iamHttp, user: 'backup-operator', password: 'iam-test-password-1', domain: 'acme', project: { id: PROJECT_ID } });
    const rig = await rigWith({ tokenValidator: iam.iam }, { auth: { iam: tokens } });

    const page = await rig.provider.listDatabaseInstances({ offset: 0, limit: 5 });
    expect(page.total).toBe(2);
    expect(rig.sim.server.requests()[0]!.headers['x-auth-token']).toEqual(expect.any(String));
    expect(rig.sim.server.requests()[0]!.headers.authorization).toBeUndefined();

    iam.iam.revokeAll();
    await expect(rig.provider.listDatabaseInstances({ offset: 0, limit: 5 })).resolves.toMatchObject({ total: 2 });
    expect(iam.iam.issuedCount).toBe(2);
    expect(rig.sim.server.requests().map((r) => r.status)).toEqual([200, 401, 200]);
  });
});
