import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamHttp } from '../../src/infrastructure/upstream-http.js';
import { signRequest } from '../../src/providers/huawei/auth/signer.js';
import { startVbsSimulator, type VbsSimulator } from '../../src/simulators/huawei/vbs/index.js';
import { rejection, sdkClient as projectClient, sdkRequest as projectRequest, type SdkRequestOptions } from '../support/huawei-sdk.js';

const PROJECT = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const KEY = { accessKey: 'HPUAVBSSIMULATORKEY1', secretKey: 'simulated-secret-key-for-vbs-tests-0001' };
const sdkClient = (url: string, key: { accessKey: string; secretKey: string }) => projectClient(url, key, PROJECT);
const sdkRequest = (method: string, url: string, extra?: SdkRequestOptions) => projectRequest(PROJECT, method, url, extra);

describe('the VBS simulator accepts requests signed by the official Huawei SDK core', () => {
  let sim: VbsSimulator;
  beforeAll(async () => {
    sim = await startVbsSimulator({ projectId: PROJECT, credentials: [KEY], jobDurationMs: 30, seed: 'demo' });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('creates, lists (with ids query) and deletes a backup', async () => {
    const client = sdkClient(sim.url, KEY);
    const volumes = await client.sendRequest(
      sdkRequest('GET', '/v2/{project_id}/cloudvolumes/detail', { queryParams: { limit: 2, offset: 1 } }),
    );
    expect(volumes.volumes).toHaveLength(2);
    const ids = (volumes.volumes as { id: string }[]).map((v) => v.id);
    const byIds = await client.sendRequest(
      sdkRequest('GET', '/v2/{project_id}/cloudvolumes/detail', { queryParams: { ids: `[${ids.map((id) => `'${id}'`).join(',')}]` } }),
    );
    expect((byIds.volumes as { id: string }[]).map((v) => v.id).sort()).toEqual([...ids].sort());

    const volumeId = [...sim.state.volumes.values()].find((v) => v.status === 'available')!.id;
    const created = await client.sendRequest(
      sdkRequest('POST', '/v2/{project_id}/cloudbackups', { data: { backup: { volume_id: volumeId, name: 'sdk-made' } } }),
    );
    expect(created.httpStatusCode).toBe(200);
    expect(created.job_id).toMatch(/^[0-9a-f]{32}$/);

    const listed = await client.sendRequest(
      sdkRequest('GET', '/v2/{project_id}/backups/detail', { queryParams: { name: 'sdk-made', limit: 10 } }),
    );
    expect(listed.backups).toHaveLength(1);
    const backupId = (listed.backups as { id: string }[])[0]!.id;

    await waitForBackupStatus(backupId, 'available');
    const deleted = await client.sendRequest(
      sdkRequest('DELETE', '/v2/{project_id}/backups/{backup_id}', { pathParams: { backup_id: backupId } }),
    );
    expect(deleted.httpStatusCode).toBe(202);
    expect(sim.state.backups.get(backupId)?.status).toBe('deleting');
    expect(sim.server.requests().every((r) => r.status < 400)).toBe(true);
  });

  it('rejects the SDK with a wrong secret key: 401 APIGW.0301', async () => {
    const error = await rejection(
      sdkClient(sim.url, { ...KEY, secretKey: 'not-the-right-secret' }).sendRequest(sdkRequest('GET', '/v2/{project_id}/backups/detail')),
    );
    expect(error.httpStatusCode).toBe(401);
    expect(error.errorCode).toBe('APIGW.0301');
    expect(error.errorMsg).not.toContain(KEY.secretKey);
  });

  it('rejects an unknown access key, a tampered body and a 16-minute-old signature with the gateway body', async () => {
    const http = new UpstreamHttp(sim.url, { timeoutMs: 2_000 });
    const path = `/v2/${PROJECT}/cloudbackups`;
    const body = JSON.stringify({ backup: { volume_id: [...sim.state.volumes.keys()][0], name: 'signed' } });
    const headers = { 'Content-Type': 'application/json', 'X-Project-Id': PROJECT };
    const sign = (key: typeof KEY, signedBody: string, now?: Date) =>
      signRequest({ method: 'POST', host: http.host, path, query: {}, headers, body: signedBody }, key, now);
    const attempts = [
      sign({ ...KEY, accessKey: 'NOSUCHACCESSKEY00000' }, body),
      sign(KEY, body.replace('signed', 'signee')),
      sign(KEY, body, new Date(Date.now() - 16 * 60_000)),
    ];
    try {
      for (const authHeaders of attempts) {
        const response = await http.request({ method: 'POST', path, headers: { ...headers, ...authHeaders }, body });
        expect(response.status).toBe(401);
        const answer = JSON.parse(response.text) as Record<string, unknown>;
        expect(answer).toMatchObject({ error_code: 'APIGW.0301' });
        expect(Object.keys(answer).sort()).toEqual(['error_code', 'error_msg', 'request_id']);
      }
    } finally {
      await http.close();
    }
    expect(sim.server.requests({ method: 'POST' }).filter((r) => r.status === 401)).toHaveLength(3);
  });

  async function waitForBackupStatus(id: string, status: string): Promise<void> {
    if (sim.state.backups.get(id)?.status === status) return;
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`backup ${id} never became ${status}`)), 5_000);
      const check = setInterval(() => {
        if (sim.state.backups.get(id)?.status !== status) return;
        clearInterval(check);
        clearTimeout(deadline);
        resolve();
      }, 5);
    });
  }
});
