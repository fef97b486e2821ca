import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { UpstreamRejection } from '../../src/domain/errors.js';
import { chargeUpstreamCall, outsideBudget, runWithinBudget, UpstreamBudget } from '../../src/infrastructure/upstream-budget.js';
import { listingFields, SCAN_PAGES } from '../../src/schema/costs.js';
import { schema } from '../../src/schema/index.js';
import { operationCost } from '../../src/server/plugins/use-query-cost.js';

const LIMITS = { maxIds: 100, maxFilterLength: 128 };
const price = (query: string, variables: Record<string, unknown> = {}, perEvent = false) => {
  const counted = operationCost({ schema, document: parse(query), variableValues: variables }, { providers: 3, limits: LIMITS, perEvent }, 1_000_000);
  if ('errors' in counted) throw counted.errors[0];
  return counted.cost;
};

describe('what an operation is priced at', () => {
  it('prices a backup listing under a filter some vendor leaves to the gateway as the scan it is, literal or variable', () => {
    const plain = price('{ backups(first: 1) { edges { node { id } } } }');
    expect(plain).toBe(2 * 3);
    expect(price('{ backups(first: 1, filter: { statuses: [UNKNOWN] }) { edges { node { id } } } }')).toBe(SCAN_PAGES * 3);
    expect(price('query($f: BackupFilter) { backups(first: 1, filter: $f) { edges { node { id } } } }', { f: { nameContains: 'db' } })).toBe(SCAN_PAGES * 3);
    // What every vendor filters itself is not a scan.
    expect(price('query($f: BackupFilter) { backups(first: 1, filter: $f) { edges { node { id } } } }', { f: { kinds: ['VOLUME'] } })).toBe(plain);
  });

  const HEAVY_EVENT = `backupStatusChanged(filter: { ids: ["a", "b"] }) { status backup { volume { backups(first: 100) { edges { node { id } } } snapshots(first: 100) { edges { node { id } } } } } }`;

  it("prices a subscription's event by its payload below the event record, and its start with the watch's read", () => {
    // Backup.volume 1, Volume.backups 2, Volume.snapshots 1; the event's own backup is free.
    expect(price(`subscription { ${HEAVY_EVENT} }`, {}, true)).toBe(4);
    expect(price(`subscription { ${HEAVY_EVENT} }`)).toBe(2 + 4);
    expect(price('subscription { backupStatusChanged { status backup { id name status } } }', {}, true)).toBe(0);
    // A job's event carries the job: free per event; its start reads the job once.
    expect(price('subscription($id: ID!) { jobUpdated(id: $id) { status finishedAt } }', { id: 'j' }, true)).toBe(0);
    expect(price('subscription($id: ID!) { jobUpdated(id: $id) { status finishedAt } }', { id: 'j' })).toBe(1);
  });

  it('names the fields that read vendor listings, which need read wherever they appear', () => {
    const listings = listingFields(schema);
    for (const field of ['Volume.backups', 'Volume.snapshots', 'DatabaseInstance.backups', 'BackupGroup.backups', 'Query.backups']) expect(listings).toContain(field);
    // A backup's copies are part of its record; a loaded reference is no listing.
    for (const field of ['Backup.storageRefs', 'Backup.volume', 'CreateVolumeSnapshotSuccess.snapshot']) expect(listings).not.toContain(field);
  });
});

describe('the upstream budget of an operation', () => {
  it('refuses the read past the limit with COST_LIMIT, never a write or a retry, and counts them all', () => {
    const budget = new UpstreamBudget(2);
    budget.charge('read', 'zs');
    budget.charge('write', 'zs');
    budget.charge('read', 'zs');
    budget.charge('retry', 'zs');
    expect(() => budget.charge('read', 'zs')).toThrow(UpstreamRejection);
    expect(() => budget.charge('read', 'zs')).toThrow(expect.objectContaining({ code: 'COST_LIMIT' }));
    expect(budget.spent).toBe(4);
  });

  it('spends each read from the allowance too, and refuses when the allowance does', async () => {
    let left = 1;
    const allowance = async () => {
      if (left-- <= 0) throw new UpstreamRejection('RATE_LIMITED', 'spent');
    };
    const budget = new UpstreamBudget(5, allowance);
    await budget.charge('read', 'zs');
    await expect(budget.charge('read', 'zs')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('counts the calls made within the operation and none of the work it sets off outside', async () => {
    const budget = new UpstreamBudget(10);
    await runWithinBudget(budget, async () => {
      chargeUpstreamCall('read', 'zs');
      await Promise.resolve();
      chargeUpstreamCall('read', 'zs');
      outsideBudget(() => chargeUpstreamCall('read', 'zs'));
    });
    chargeUpstreamCall('read', 'zs');
    expect(budget.spent).toBe(2);
  });
});
