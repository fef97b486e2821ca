import { afterEach, describe, expect, it } from 'vitest';
import { providerKeyOf, resourceGlobalId } from '../../src/domain/ids.js';
import type { TickReport } from '../../src/live/poller.js';
import { DEMO } from '../../src/simulators/zstack/index.js';
import { testPrefix } from '../live-status/redis-support.js';
import { eventually } from '../support/eventually.js';
import { startStack, type Stack } from '../support/stack.js';
import { startRedisProcess, type RedisProcess } from './redis-process.js';

const REQUEST_DEADLINE_MS = 3_000;
const VOLUMES = '{ volumes(first: 5) { edges { node { id } } } }';
const KEYED_BACKUP = `mutation($input: CreateVolumeBackupInput!) {
  createVolumeBackup(input: $input) { __typename }
}`;
const UNKEYED_SNAPSHOT = `mutation($input: CreateVolumeSnapshotInput!) {
  createVolumeSnapshot(input: $input) { __typename }
}`;

const faults: Record<string, (redis: RedisProcess) => Promise<void>> = {
  // The connection stays up and nothing answers.
  stopped: async (redis) => redis.freeze(),
  // The port refuses every reconnection.
  refused: (redis) => redis.kill(),
};

describe.each(Object.keys(faults))('Redis %s', (fault) => {
  let stack: Stack;
  let redis: RedisProcess;
  afterEach(async () => {
    await stack.close();
    await redis.kill();
  });

  it('queries answer within the deadline, readiness names redis, mutations fail fast with STATE_STORE_UNAVAILABLE sending nothing, and job polling goes on', async () => {
    redis = await startRedisProcess();
    stack = await startStack({
      vbs: {},
      extra: {
        server: { port: 0, host: '127.0.0.1', requestDeadlineMs: REQUEST_DEADLINE_MS },
        redis: { url: redis.url, keyPrefix: testPrefix(), commandTimeoutMs: 300 },
        watcher: { minIntervalMs: 20, maxIntervalMs: 100, leaseMs: 300 },
      },
    });
    const providers = stack.gateway.tenants.tenants[0]!.providers.length;
    await eventually(async () => stack.gateway.watcher.leasesHeld, (held) => held === providers);
    expect((await fetch(`${stack.gateway.url}/readyz`)).status).toBe(200);
    // Sessions and tokens are in place before the fault: what follows counts only the operations' own calls.
    expect((await stack.graphql(VOLUMES)).body.errors).toBeUndefined();
    const vbsVolume = [...stack.vbs!.state.volumes.values()].find((v) => v.status === 'available')!;

    await faults[fault]!(redis);
    stack.clearUpstreamRequests();

    const startedAt = Date.now();
    const listed = await stack.graphql(VOLUMES);
    expect(listed.body.errors).toBeUndefined();
    expect(Date.now() - startedAt).toBeLessThan(REQUEST_DEADLINE_MS);

    const ready = await fetch(`${stack.gateway.url}/readyz`);
    expect({ status: ready.status, body: await ready.text() }).toEqual({ status: 503, body: 'not ready: redis unavailable' });

    const keyed = await stack.graphql(KEYED_BACKUP, {
      input: { volumeId: resourceGlobalId('Volume', providerKeyOf('acme', 'vbs'), vbsVolume.id), name: 'while-redis-is-down', idempotencyKey: 'k-1' },
    });
    expect(keyed.body.errors?.map((e) => e.extensions?.code)).toEqual(['STATE_STORE_UNAVAILABLE']);
    const unkeyed = await stack.graphql(UNKEYED_SNAPSHOT, {
      input: { volumeId: resourceGlobalId('Volume', providerKeyOf('acme', 'zs'), DEMO.vmWebData), name: 'while-redis-is-down' },
    });
    expect(unkeyed.body.errors?.map((e) => e.extensions?.code)).toEqual(['STATE_STORE_UNAVAILABLE']);
    expect(stack.upstreamRequests().filter((r) => r.method !== 'GET')).toEqual([]);

    // The leases cannot be read: this replica keeps polling every provider instead of none.
    await eventually(async () => stack.logs.some((line) => line.includes('lease unreadable')), Boolean);
    await ticksOfEveryProvider(stack);
    expect(stack.gateway.watcher.leasesHeld).toBe(providers);
    expect(stack.logs.filter((line) => line.includes('another replica polls'))).toEqual([]);
  });
});

/** Resolves once each provider's poller has run another round. */
function ticksOfEveryProvider(stack: Stack): Promise<void> {
  const waiting = new Set(stack.gateway.tenants.tenants[0]!.providers.map((p) => p.key));
  return new Promise((resolve) => {
    const stop = stack.gateway.watcher.onTick((tick: TickReport) => {
      waiting.delete(tick.providerKey);
      if (waiting.size === 0) {
        stop();
        resolve();
      }
    });
  });
}
