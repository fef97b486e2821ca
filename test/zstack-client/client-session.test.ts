import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ZStackSimulator } from '../../src/simulators/zstack/index.js';
import { VendorError } from '../../src/domain/errors.js';
import type { ZStackClient } from '../../src/providers/zstack/client.js';
import { clientFor, logins, PASSWORD, sessionUuidsSeen, startSimulator } from './harness.js';

let simulator: ZStackSimulator;
let client: ZStackClient;

beforeEach(async () => {
  simulator = await startSimulator();
  client = clientFor(simulator);
});

afterEach(async () => {
  await client.close();
  await simulator.close();
});

describe('ZStack client session', () => {
  it('logs in once for many concurrent calls, with the sha512 hex of the password', async () => {
    const results = await Promise.all(Array.from({ length: 25 }, () => client.query('volumes', { limit: 1 })));
    expect(results.every((result) => result.inventories.length === 1)).toBe(true);
    expect(logins(simulator)).toBe(1);
    const [login] = simulator.server.requests({ method: 'PUT', pathIncludes: '/v1/accounts/login' });
    const body = JSON.parse(login!.body) as { logInByAccount: { accountName: string; password: string } };
    expect(body.logInByAccount).toEqual({
      accountName: 'admin',
      password: createHash('sha512').update(PASSWORD).digest('hex'),
    });
    expect(simulator.server.requests().some((entry) => entry.body.includes(PASSWORD))).toBe(false);
  });

  it('logs in again transparently, once, when the session expired under concurrent calls', async () => {
    await client.query('volumes', { limit: 1 });
    simulator.expireSessions();
    const results = await Promise.all(Array.from({ length: 10 }, () => client.query('backup-storage')));
    expect(results.every((result) => result.inventories.length === 2)).toBe(true);
    expect(logins(simulator)).toBe(2);
    expect(simulator.server.requests({ method: 'GET', pathIncludes: '/v1/volumes' }).map((entry) => entry.status)).toEqual([200]);
    const expired = simulator.server.requests({ method: 'GET', pathIncludes: '/v1/backup-storage' }).filter((entry) => entry.status === 503);
    expect(expired.length).toBeGreaterThan(0);
  });

  it('turns a wrong password into a vendor error that names no secret, and tries again on the next call', async () => {
    const wrong = clientFor(simulator, { password: 'not-it' });
    const error = await wrong.query('volumes').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VendorError);
    expect(error).toMatchObject({ vendorCode: 'ID.1000', httpStatus: 503 });
    expect(String((error as Error).message)).not.toContain(createHash('sha512').update('not-it').digest('hex'));
    await wrong.query('volumes').catch(() => undefined);
    expect(logins(simulator)).toBe(2);
    await wrong.close();
  });

  it('never puts the session uuid into an error, even when the vendor echoes it', async () => {
    await client.query('volumes', { limit: 1 });
    const [session] = sessionUuidsSeen(simulator);
    expect(session).toMatch(/^[0-9a-f]{32}$/);
    simulator.server.injectFault({
      fault: { type: 'vendorError', status: 503, body: { error: { code: 'ID.1002', details: `session[uuid:${session}] has no permission` } } },
      pathIncludes: '/v1/volume-backups',
      times: 1,
    });
    const error = (await client.query('volume-backups').catch((caught: unknown) => caught)) as VendorError;
    expect(error).toBeInstanceOf(VendorError);
    expect(error.vendorCode).toBe('ID.1002');
    expect(error.message).toContain('has no permission');
    expect(error.message).not.toContain(session);
  });

  it('logs out on close', async () => {
    await client.query('volumes', { limit: 1 });
    const [session] = sessionUuidsSeen(simulator);
    expect(simulator.state.sessions.has(session!)).toBe(true);
    await client.close();
    expect(simulator.server.requests({ method: 'DELETE', pathIncludes: `/v1/accounts/sessions/${session}` })).toHaveLength(1);
    expect(simulator.state.sessions.has(session!)).toBe(false);
  });
});
