import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransportError, VendorError } from '../../src/domain/errors.js';
import { UpstreamHttp } from '../../src/infrastructure/upstream-http.js';
import { IamTokenSource } from '../../src/providers/huawei/auth/iam.js';
import { huaweiRequest, parseHuaweiError } from '../../src/providers/huawei/auth/request.js';
import { startIamSimulator } from '../../src/simulators/huawei/iam.js';
import { startVbsSimulator, type VbsSimulator } from '../../src/simulators/huawei/vbs/index.js';

const PROJECT = { id: '5a4b3c2d1e0f5a4b3c2d1e0f5a4b3c2d', name: 'cn-north-4' };
const KEY = { accessKey: 'HPUAREQUESTTESTKEY01', secretKey: 'request-test-secret-key-000000000001' };
const USER = { name: 'ops', password: 'ops-password-secret', domain: 'acme', projects: [PROJECT] };

const response = (status: number, text: string) => ({ status, headers: {}, text });

describe('huaweiRequest error parsing', () => {
  it.each([
    ['the gateway shape', 401, { error_msg: 'Incorrect IAM authentication information', error_code: 'APIGW.0301', request_id: 'r1' }, 'APIGW.0301', 'Incorrect IAM authentication information'],
    ['the GaussDB shape', 400, { error_code: 'DBS.280001', error_msg: 'Invalid parameter.' }, 'DBS.280001', 'Invalid parameter.'],
    ['the VBS/EVS shape', 400, { error: { message: 'api request parameter name invalid prefix', code: 'VolumeBackup.0005' } }, 'VolumeBackup.0005', 'api request parameter name invalid prefix'],
    ['the Cinder shape', 404, { itemNotFound: { message: 'Backup x could not be found.', code: 404 } }, 'itemNotFound', 'Backup x could not be found.'],
  ])('reads %s', (_shape, status, body, code, message) => {
    const error = parseHuaweiError('acme/hw', response(status, JSON.stringify(body)), 'GET /x');
    expect(error).toBeInstanceOf(VendorError);
    expect(error).toMatchObject({ providerKey: 'acme/hw', vendorCode: code, httpStatus: status, message });
  });

  it('treats a body that is no vendor error as a protocol failure', () => {
    expect(parseHuaweiError('acme/hw', response(502, '<html>Bad Gateway</html>'), 'GET /x')).toBeInstanceOf(TransportError);
    expect(parseHuaweiError('acme/hw', response(500, '{"unexpected":1,"shape":2}'), 'GET /x')).toBeInstanceOf(TransportError);
  });
});

describe('huaweiRequest over HTTP', () => {
  let iam: Awaited<ReturnType<typeof startIamSimulator>>;
  let sim: VbsSimulator;
  let vbsHttp: UpstreamHttp;
  let iamHttp: UpstreamHttp;

  beforeAll(async () => {
    iam = await startIamSimulator({ users: [USER] });
    sim = await startVbsSimulator({ projectId: PROJECT.id, credentials: [KEY], iam: iam.iam, seed: 'demo', jobDurationMs: 20 });
    vbsHttp = new UpstreamHttp(sim.url, { timeoutMs: 2_000 });
    iamHttp = new UpstreamHttp(iam.url, { timeoutMs: 2_000 });
  });
  afterAll(async () => {
    await Promise.all([vbsHttp.close(), iamHttp.close()]);
    await Promise.all([sim.close(), iam.close()]);
  });

  it('signs with AK/SK and sends X-Project-Id', async () => {
    const result = await huaweiRequest<{ backups: unknown[] }>(vbsHttp, KEY, {
      providerKey: 'acme/hw',
      method: 'GET',
      path: `/v2/${PROJECT.id}/backups/detail`,
      query: { limit: '2', status: undefined },
      projectId: PROJECT.id,
    });
    expect(result.body.backups).toHaveLength(2);
    const logged = sim.server.requests().at(-1)!;
    expect(logged.headers['x-project-id']).toBe(PROJECT.id);
    expect(logged.headers.authorization).toMatch(/^SDK-HMAC-SHA256 Access=HPUAREQUESTTESTKEY01, /);
    expect(logged.query.has('status')).toBe(false);
  });

  it('retries once with a fresh IAM token when the service says 401', async () => {
    const tokens = new IamTokenSource({ http: iamHttp, user: USER.name, password: USER.password, domain: USER.domain, project: { name: PROJECT.name } });
    const call = { providerKey: 'acme/hw', method: 'GET' as const, path: `/v2/${PROJECT.id}/backups`, query: { limit: '1' } };
    await huaweiRequest(vbsHttp, { iam: tokens }, call);
    iam.iam.revokeAll();
    sim.server.clearRequests();
    const result = await huaweiRequest(vbsHttp, { iam: tokens }, call);
    expect(result.status).toBe(200);
    expect(sim.server.requests().map((r) => r.status)).toEqual([401, 200]);
    const [first, second] = sim.server.requests();
    expect(first!.headers['x-auth-token']).not.toBe(second!.headers['x-auth-token']);
    expect(iam.iam.issuedCount).toBeGreaterThanOrEqual(2);
  });

  it('gives up after one retry and keeps the gateway code', async () => {
    const tokens = new IamTokenSource({ http: iamHttp, user: USER.name, password: USER.password, domain: USER.domain, project: { name: PROJECT.name } });
    sim.server.injectFault({ fault: { type: 'vendorError', status: 401, body: { error_msg: 'The token must be updated.', error_code: 'APIGW.0307', request_id: 'x' } }, times: 2 });
    sim.server.clearRequests();
    const error = await huaweiRequest(vbsHttp, { iam: tokens }, { providerKey: 'acme/hw', method: 'GET', path: `/v2/${PROJECT.id}/backups` }).catch((e: unknown) => e);
    expect(error).toMatchObject({ vendorCode: 'APIGW.0307', httpStatus: 401 });
    expect(sim.server.requests()).toHaveLength(2);
  });

  it('turns an IAM refusal into a VendorError without the password', async () => {
    const tokens = new IamTokenSource({ http: iamHttp, user: USER.name, password: 'not-the-password', domain: USER.domain, project: { name: PROJECT.name } });
    const error = await huaweiRequest(vbsHttp, { iam: tokens }, { providerKey: 'acme/hw', method: 'GET', path: `/v2/${PROJECT.id}/backups` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorError);
    expect(error).toMatchObject({ providerKey: 'acme/hw', httpStatus: 401 });
    expect((error as Error).message).not.toContain('not-the-password');
  });

  it('refuses a token scoped to another project than the path names', async () => {
    const tokens = new IamTokenSource({ http: iamHttp, user: USER.name, password: USER.password, domain: USER.domain, project: { id: PROJECT.id } });
    const error = await huaweiRequest(vbsHttp, { iam: tokens }, { providerKey: 'acme/hw', method: 'GET', path: '/v2/ffffffffffffffffffffffffffffffff/backups' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ vendorCode: 'Common.0018', httpStatus: 400 });
  });
});
