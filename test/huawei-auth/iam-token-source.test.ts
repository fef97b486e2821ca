import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamHttp } from '../../src/infrastructure/upstream-http.js';
import { IamError, IamTokenSource } from '../../src/providers/huawei/auth/iam.js';
import { startIamSimulator } from '../../src/simulators/huawei/iam.js';

const PROJECT = { id: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', name: 'cn-north-4' };
const USER = { name: 'backup-operator', password: 'iam-password-never-logged', domain: 'acme', projects: [PROJECT] };
const MINUTE = 60_000;

describe('IamTokenSource', () => {
  let now = Date.parse('2026-11-22T08:00:00Z');
  const clock = () => now;
  let iam: Awaited<ReturnType<typeof startIamSimulator>>;
  let http: UpstreamHttp;

  beforeAll(async () => {
    iam = await startIamSimulator({ users: [USER], tokenLifetimeMs: 60 * MINUTE, clock });
    http = new UpstreamHttp(iam.url, { timeoutMs: 2_000 });
  });
  afterEach(() => iam.server.reset());
  afterAll(async () => {
    await http.close();
    await iam.close();
  });

  const source = (overrides: Partial<ConstructorParameters<typeof IamTokenSource>[0]> = {}) =>
    new IamTokenSource({ http, user: USER.name, password: USER.password, domain: USER.domain, project: { name: PROJECT.name }, refreshBeforeMs: 5 * MINUTE, clock, ...overrides });

  it('fetches a password token from POST /v3/auth/tokens and reads X-Subject-Token', async () => {
    const token = await source().token();
    expect(iam.iam.validateToken(token)).toEqual({ valid: true, projectId: PROJECT.id, userName: USER.name });
    const [request] = iam.server.requests({ method: 'POST', pathIncludes: '/v3/auth/tokens' });
    expect(JSON.parse(request!.body)).toEqual({
      auth: {
        identity: { methods: ['password'], password: { user: { name: USER.name, password: USER.password, domain: { name: 'acme' } } } },
        scope: { project: { name: PROJECT.name } },
      },
    });
  });

  it('scopes by project id when given one', async () => {
    const token = await source({ project: { id: PROJECT.id } }).token();
    expect(iam.iam.validateToken(token)).toMatchObject({ valid: true, projectId: PROJECT.id });
  });

  it('reuses the token until refreshBeforeMs before it expires, then fetches a new one', async () => {
    const tokens = source();
    const first = await tokens.token();
    now += 54 * MINUTE;
    expect(await tokens.token()).toBe(first);
    expect(iam.iam.issuedCount).toBe(1);
    now += 2 * MINUTE;
    const second = await tokens.token();
    expect(second).not.toBe(first);
    expect(iam.iam.issuedCount).toBe(2);
  });

  it('lets concurrent callers share one fetch', async () => {
    const tokens = source();
    const all = await Promise.all(Array.from({ length: 8 }, () => tokens.token()));
    expect(new Set(all).size).toBe(1);
    expect(iam.server.requests({ method: 'POST' })).toHaveLength(1);
  });

  it('fetches anew after invalidate, but ignores an invalidate of a token it no longer holds', async () => {
    const tokens = source();
    const first = await tokens.token();
    tokens.invalidate('some-older-token');
    expect(await tokens.token()).toBe(first);
    tokens.invalidate(first);
    expect(await tokens.token()).not.toBe(first);
    expect(iam.iam.issuedCount).toBe(2);
  });

  it('fails with the IAM status and code on a wrong password, without the password in the error', async () => {
    const error = await source({ password: 'wrong-password-value' }).token().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IamError);
    expect(error).toMatchObject({ httpStatus: 401, vendorCode: '401' });
    expect(String((error as Error).message)).not.toMatch(/wrong-password-value|iam-password/);
  });
});
