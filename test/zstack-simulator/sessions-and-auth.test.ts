import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startZStackSimulator } from '../../src/simulators/zstack/index.js';
import { sha512, startHarness, type Harness } from './harness.js';

const DATE = /^[A-Z][a-z]{2} \d{1,2}, \d{4} \d{1,2}:\d{2}:\d{2} (AM|PM)$/;

describe('ZStack simulator: login and sessions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ sessionTimeoutMs: 60_000 });
  });
  afterAll(() => h.close());

  it('logs in with the sha512 hex of the password and returns a session inventory', async () => {
    const login = await h.login();
    expect(login.status).toBe(200);
    expect(login.json.inventory).toMatchObject({ uuid: expect.stringMatching(/^[0-9a-f]{32}$/), userType: 'AccountVO', noSessionEvaluation: false });
    expect(login.json.inventory.expiredDate).toMatch(DATE);
    expect(login.json.inventory.createDate).toMatch(DATE);
  });

  it('rejects a wrong password and the clear password with 503 ID.1000', async () => {
    for (const password of [sha512('wrong'), 'password']) {
      const login = await h.login('admin', password);
      expect(login.status).toBe(503);
      expect(login.json.error).toMatchObject({ code: 'ID.1000', details: 'wrong account name or password' });
    }
  });

  it('rejects a login without the password field as an invalid argument', async () => {
    const login = await h.call('PUT', '/accounts/login', { body: { logInByAccount: { accountName: 'admin' } }, auth: false });
    expect(login.status).toBe(503);
    expect(login.json.error.code).toBe('SYS.1007');
  });

  it('answers a missing or non-OAuth Authorization header with a plain-text 400', async () => {
    const missing = await h.call('GET', '/volumes', { auth: false });
    expect(missing.status).toBe(400);
    expect(missing.text).toBe("missing header 'Authorization'");
    const basic = await h.call('GET', '/volumes', { headers: { Authorization: 'Basic abc' } });
    expect(basic.status).toBe(400);
    expect(basic.text).toBe("Authorization type must be 'OAuth'");
  });

  it('answers an unknown session with 503 ID.1001 on a sync API', async () => {
    const reply = await h.call('GET', '/volumes', { headers: { Authorization: `OAuth ${'0'.repeat(32)}` } });
    expect(reply.status).toBe(503);
    expect(reply.json.error).toMatchObject({ code: 'ID.1001', details: 'Session expired' });
  });

  it('answers an async API with a bad session with 202, then the job fails with ID.1001', async () => {
    const submit = await h.call('POST', `/volumes/${DEMO.vmWebRoot}/volume-backups`, {
      headers: { Authorization: `OAuth ${'1'.repeat(32)}` },
      body: { params: { name: 'x', backupStorageUuid: DEMO.imageStoreMain } },
    });
    expect(submit.status).toBe(202);
    const result = await h.finish(submit.json.location);
    expect(result.status).toBe(503);
    expect(result.json.error.code).toBe('ID.1001');
  });

  it('expires a session after the timeout and renews it on every authorized call', async () => {
    const { sim } = h;
    const login = await h.login();
    const auth = { Authorization: `OAuth ${login.json.inventory.uuid}` };
    const start = Date.now();
    try {
      sim.state.now = () => start + 40_000;
      expect((await h.call('GET', '/volumes?count=true', { headers: auth })).status).toBe(200);
      sim.state.now = () => start + 80_000; // 40 s after the renewal: still inside the 60 s window
      expect((await h.call('GET', '/volumes?count=true', { headers: auth })).status).toBe(200);
      sim.state.now = () => start + 141_000; // 61 s after the last call
      const expired = await h.call('GET', '/volumes?count=true', { headers: auth });
      expect(expired.status).toBe(503);
      expect(expired.json.error.code).toBe('ID.1001');
    } finally {
      sim.state.now = Date.now;
    }
  });

  it('invalidates every session with expireSessions()', async () => {
    const login = await h.login();
    const uuid = login.json.inventory.uuid;
    h.sim.expireSessions();
    const reply = await h.call('GET', '/volumes', { headers: { Authorization: `OAuth ${uuid}` } });
    expect(reply.json.error.code).toBe('ID.1001');
    expect((await h.call('GET', `/accounts/sessions/${uuid}/valid`, { auth: false })).json).toEqual({ valid: false });
    h.sessionUuid = (await h.login()).json.inventory.uuid;
  });

  it('validates and logs out sessions without a credential check', async () => {
    const uuid = (await h.login()).json.inventory.uuid;
    expect((await h.call('GET', `/accounts/sessions/${uuid}/valid`, { auth: false })).json).toEqual({ valid: true });
    const logout = await h.call('DELETE', `/accounts/sessions/${uuid}`, { auth: false });
    expect(logout.status).toBe(200);
    expect(logout.json).toEqual({});
    expect((await h.call('GET', `/accounts/sessions/${uuid}/valid`, { auth: false })).json).toEqual({ valid: false });
  });

  it('honours a custom account and password', async () => {
    const sim = await startZStackSimulator({ accountName: 'ops', password: 's3cret', seed: 'empty' });
    try {
      const login = (accountName: string, password: string) =>
        fetch(`${sim.url}/v1/accounts/login`, { method: 'PUT', body: JSON.stringify({ logInByAccount: { accountName, password } }) });
      expect((await login('ops', sha512('s3cret'))).status).toBe(200);
      expect((await login('admin', sha512('password'))).status).toBe(503);
    } finally {
      await sim.close();
    }
  });
});
