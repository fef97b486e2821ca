import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UpstreamHttp } from '../../src/infrastructure/upstream-http.js';
import { huaweiRequest } from '../../src/providers/huawei/auth/request.js';
import { IamTokenSource } from '../../src/providers/huawei/auth/iam.js';
import { startVbsSimulator, type VbsSimulator } from '../../src/simulators/huawei/vbs/index.js';
import { KEY, PROJECT_ID } from './helpers.js';

const PROJECT = { id: PROJECT_ID, name: 'cn-north-4' };
const USER = { name: 'ops', password: 'simulator-iam-password', domain: 'acme', projects: [PROJECT] };

describe('VBS simulator', () => {
  let now = Date.now();
  let sim: VbsSimulator;
  let http: UpstreamHttp;
  beforeAll(async () => {
    sim = await startVbsSimulator({ projectId: PROJECT_ID, credentials: [KEY], iam: { users: [USER], tokenLifetimeMs: 60_000, clock: () => now }, seed: 'demo' });
    http = new UpstreamHttp(sim.url, { timeoutMs: 2_000 });
  });
  beforeEach(() => sim.server.reset());
  afterAll(async () => {
    await http.close();
    await sim.close();
  });

  const get = (path: string, query: Record<string, string> = {}) =>
    huaweiRequest<Record<string, unknown>>(http, KEY, { providerKey: 'p', method: 'GET', path, query, projectId: PROJECT_ID }).catch((e: unknown) => e);

  it('seeds demo data: volumes, backups (one failed) and snapshots', () => {
    expect(sim.state.volumes.size).toBeGreaterThanOrEqual(4);
    expect(sim.state.backups.size).toBe(10);
    expect([...sim.state.backups.values()].filter((b) => b.status === 'error')).toHaveLength(1);
    expect([...sim.state.snapshots.values()].filter((s) => !s.name.startsWith('autobk'))).toHaveLength(2);
  });

  it('answers the vendor error shapes: Cinder itemNotFound, common.0011, EVS.5404, APIGW.0101', async () => {
    const missing = '00000000-0000-4000-8000-000000000001';
    expect(await get(`/v2/${PROJECT_ID}/backups/${missing}`)).toMatchObject({ vendorCode: 'itemNotFound', httpStatus: 404, message: `Backup ${missing} could not be found.` });
    expect(await get(`/v1/${PROJECT_ID}/jobs/0123456789abcdef0123456789abcdef`)).toMatchObject({ vendorCode: 'common.0011', httpStatus: 404 });
    expect(await get(`/v2/${PROJECT_ID}/cloudvolumes/${missing}`)).toMatchObject({ vendorCode: 'EVS.5404', httpStatus: 404 });
    expect(await get(`/v2/${PROJECT_ID}/nothing-here`)).toMatchObject({ vendorCode: 'APIGW.0101', httpStatus: 404 });
  });

  it('checks EVS paging parameters', async () => {
    expect(await get(`/v2/${PROJECT_ID}/cloudvolumes/detail`, { limit: '1001' })).toMatchObject({ vendorCode: 'EVS.2142', httpStatus: 400 });
    expect(await get(`/v2/${PROJECT_ID}/cloudvolumes/detail`, { limit: 'ten' })).toMatchObject({ vendorCode: 'EVS.5400' });
    expect(await get(`/v2/${PROJECT_ID}/cloudvolumes/detail`, { offset: '-1' })).toMatchObject({ vendorCode: 'EVS.5400' });
    const ids = Array.from({ length: 61 }, (_, n) => `'00000000-0000-4000-8000-${String(n).padStart(12, '0')}'`).join(',');
    expect(await get(`/v2/${PROJECT_ID}/cloudvolumes/detail`, { ids: `[${ids}]` })).toMatchObject({ vendorCode: 'EVS.5400' });
  });

  it('reports count and a next link on a partial EVS page, and backups_links on a partial backup page', async () => {
    const volumes = (await get(`/v2/${PROJECT_ID}/cloudvolumes/detail`, { limit: '2' })) as { body: Record<string, unknown> };
    expect(volumes.body).toMatchObject({ count: sim.state.volumes.size, volumes_links: [{ rel: 'next' }] });
    const backups = (await get(`/v2/${PROJECT_ID}/backups/detail`, { limit: '3' })) as { body: { backups: { created_at: string }[]; backups_links: unknown[] } };
    expect(backups.body.backups).toHaveLength(3);
    expect(backups.body.backups_links).toHaveLength(1);
    expect(backups.body.backups[0]!.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/);
  });

  it('accepts X-Auth-Token from the IAM it serves, and refuses an expired one with APIGW.0307', async () => {
    const tokens = new IamTokenSource({ http, user: USER.name, password: USER.password, domain: USER.domain, project: { name: PROJECT.name }, refreshBeforeMs: 0, clock: () => now });
    const token = await tokens.token();
    const call = { method: 'GET' as const, path: `/v2/${PROJECT_ID}/backups`, headers: { 'X-Auth-Token': token } };
    expect((await http.request(call)).status).toBe(200);
    now += 61_000;
    const expired = await http.request(call);
    expect(expired.status).toBe(401);
    expect(JSON.parse(expired.text)).toMatchObject({ error_code: 'APIGW.0307' });
  });

  it('refuses an unsigned request and a path naming another project', async () => {
    const unsigned = await http.request({ method: 'GET', path: `/v2/${PROJECT_ID}/backups` });
    expect(unsigned.status).toBe(401);
    expect(JSON.parse(unsigned.text)).toMatchObject({ error_code: 'APIGW.0301' });
    expect(await get('/v2/ffffffffffffffffffffffffffffffff/backups')).toMatchObject({ vendorCode: 'Common.0018', httpStatus: 400 });
  });

  it('injects kit faults and restores its seed on reset', async () => {
    sim.server.injectFault({ fault: { type: 'vendorError', status: 503, body: { error: { code: 'VolumeBackup.0500', message: 'busy' } } }, pathIncludes: '/backups', times: 1 });
    expect(await get(`/v2/${PROJECT_ID}/backups`)).toMatchObject({ vendorCode: 'VolumeBackup.0500', httpStatus: 503 });
    sim.state.backups.clear();
    sim.server.reset();
    expect(sim.state.backups.size).toBe(10);
    expect(sim.server.requests()).toHaveLength(0);
  });
});
