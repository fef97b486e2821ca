import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { DEMO } from '../../src/simulators/zstack/index.js';
import { createBackup, subscribe, volumeId, wsClient, wsUrl, type Live } from '../live-status/live-clients.js';
import { startStack, type Stack } from '../support/stack.js';

/**
 * A subscription is priced per event, not once: what its payload reads from the vendors on each
 * event is spent from its key's per-second budget, however many subscriptions the key holds and
 * whoever causes the events. 100 subscriptions reading two listings per event made 1,824 vendor
 * requests for three backups created by another key before.
 */

const COST_PER_SECOND = 100;
const SUBSCRIPTIONS = 100;

interface Event {
  backupStatusChanged: { status: string; backup: { name: string; volume: { backups: { edges: unknown[] } | null } | null } };
}

/** The watched volume has backups already: each subscription's first results are where they stand. */
const SOURCE = volumeId(DEMO.vmDbData);

/** A page size of its own per subscription, so that no two share an execution (use-shared-subscription-results.ts). */
const literal = (first: number) => `subscription { backupStatusChanged(filter: { sourceId: "${SOURCE}" }) {
  status backup { name volume { backups(first: ${first}) { edges { node { id } } } snapshots(first: ${first}) { edges { node { id } } } } }
} }`;
const WITH_VARIABLES = `subscription Heavy($filter: BackupStatusFilter, $first: Int) { backupStatusChanged(filter: $filter) {
  status backup { name volume { backups(first: $first) { edges { node { id } } } snapshots(first: $first) { edges { node { id } } } } }
} }`;

/** The payload reads: a volume's backups and snapshots, and the volumes themselves; the watcher makes none of these. */
const isPayloadRead = (r: { path: string; query: URLSearchParams }) =>
  r.path.endsWith('/volume-snapshots') || r.path.endsWith('/volumes') || (r.path.endsWith('/volume-backups') && r.query.getAll('q').some((q) => q.startsWith('volumeUuid=')));

describe("subscription events spend their key's upstream budget", () => {
  let stack: Stack;
  const clients: Client[] = [];

  beforeAll(async () => {
    stack = await startStack({
      jobsPollIntervalMs: 20,
      keys: [{ key: 'key-watcher', label: 'watcher', scopes: ['read'] }],
      extra: { rateLimits: { mutationsPerSecond: 100, costPerSecond: COST_PER_SECOND }, watcher: { minIntervalMs: 30, maxIntervalMs: 200 } },
    });
  });
  beforeAll(() => {
    // A backup still being made: the first result of every subscription to its volume.
    const [moving] = stack.zstack!.state.addVolumeBackups(1, { volumeUuid: DEMO.vmDbData, backupStorageUuids: [DEMO.imageStoreMain] });
    stack.zstack!.state.volumeBackups.set(moving!.uuid, { ...moving!, status: 'Creating' });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await stack.close();
  });

  it("100 subscriptions reading two listings per event: three backups by another key read at most the key's budget a second, every event delivered", async () => {
    for (let i = 0; i < 5; i += 1) clients.push(wsClient(wsUrl(stack), 'key-watcher'));
    const lives: Live<Event>[] = [];
    for (let i = 0; i < SUBSCRIPTIONS; i += 1) {
      const client = clients[i % clients.length]!;
      // Half with the page size written in the operation, half passed as a variable.
      lives.push(subscribe<Event>(client, i % 2 === 0 ? literal(i + 1) : WITH_VARIABLES, i % 2 === 0 ? {} : { filter: { sourceId: SOURCE }, first: i + 1 }));
    }
    // Each starts with where the volume's moving backup stands: then its watch is in place. None
    // is refused for starting (it was RATE_LIMITED at its static price before).
    const refusedAtStart = (live: Live<Event>) => live.ended.then(() => 'completed', (reason: unknown) => JSON.stringify(reason));
    const firstResult = (live: Live<Event>) => live.count(1).then(() => (live.results[0]!.data ? 'started' : JSON.stringify(live.results[0])));
    const starts = await Promise.all(lives.map((live) => Promise.race([firstResult(live), refusedAtStart(live)])));
    expect(starts.filter((start) => start !== 'started')).toEqual([]);
    const before = lives.map((live) => live.results.length);

    const started = Date.now();
    const names = ['spent-1', 'spent-2', 'spent-3'];
    await Promise.all(names.map((name) => createBackup(stack, name, DEMO.vmDbData)));
    const arrived = (live: Live<Event>, index: number) =>
      live.until((results) => names.every((name) => results.slice(before[index]).some((r) => r.data?.backupStatusChanged.backup.name === name && r.data.backupStatusChanged.status === 'AVAILABLE')));
    await Promise.all(lives.map(arrived));

    // The limiter counts whole seconds; any second of the clock overlaps at most two of them.
    const reads = stack.zstack!.server.requests().filter((r) => r.at >= started && isPayloadRead(r)).map((r) => r.at);
    expect(busiestSecond(reads)).toBeLessThanOrEqual(2 * COST_PER_SECOND);
    // What was over the budget is said on the event, beside the event record, which always arrives.
    const limited = lives.flatMap((live) => live.results).filter((r) => r.errors?.some((e) => e.extensions?.code === 'RATE_LIMITED'));
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.every((r) => r.data?.backupStatusChanged.backup.name)).toBe(true);
  }, 60_000);
});

/** The most requests within any one second. */
function busiestSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i += 1) {
    while (sorted[i]! - sorted[j]! >= 1_000) j += 1;
    most = Math.max(most, i - j + 1);
  }
  return most;
}
