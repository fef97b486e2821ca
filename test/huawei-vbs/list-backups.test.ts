import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BackupListFilter, BackupRecord, NewestFirstPosition } from '../../src/domain/provider.js';
import type { SimBackup } from '../../src/simulators/huawei/vbs/state.js';
import { startVbs, uuid } from './helpers.js';

type Started = Awaited<ReturnType<typeof startVbs>>;

const STATUSES = ['available', 'available', 'error', 'creating', 'error_restoring', 'deleting'];
const BASE = Date.UTC(2026, 0, 1);

/** 230 backups over two volumes; every third shares its created_at with the next, so ties need the id order. */
function seedBackups(env: Started): { volumes: string[]; all: SimBackup[] } {
  const volumes = [env.sim.addVolume({ name: 'a' }).id, env.sim.addVolume({ name: 'b' }).id];
  const all: SimBackup[] = [];
  for (let n = 0; n < 230; n += 1) {
    const at = new Date(BASE + (n - (n % 3 === 1 ? 1 : 0)) * 1000).toISOString().replace('Z', '123');
    const backup: SimBackup = {
      id: uuid(((n * 7919) % 1000) + 1000 * n),
      name: n % 10 === 0 ? `weekly-${n}` : `daily-${n}`,
      description: null,
      status: STATUSES[n % STATUSES.length]!,
      volume_id: volumes[n % 2]!,
      snapshot_id: null,
      size: 1,
      fail_reason: null,
      availability_zone: 'az',
      tags: [],
      created_at: at,
      updated_at: at,
    };
    env.sim.state.backups.set(backup.id, backup);
    all.push(backup);
  }
  all.sort((a, b) => (a.created_at === b.created_at ? (a.id < b.id ? 1 : -1) : a.created_at < b.created_at ? 1 : -1));
  return { volumes, all };
}

async function walk(env: Started, filter: BackupListFilter, limit: number, between?: (page: BackupRecord[]) => void): Promise<BackupRecord[]> {
  const seen: BackupRecord[] = [];
  let after: NewestFirstPosition | null = null;
  for (let guard = 0; guard < 500; guard += 1) {
    const page = await env.provider.listBackups({ filter, after, limit });
    seen.push(...page);
    if (page.length < limit) return seen;
    const last = page[page.length - 1]!;
    after = { createdAt: last.createdAt!, vendorId: last.vendorId };
    between?.(page);
  }
  throw new Error('paging never ended');
}

describe('VBS listBackups (newest first, keyset)', () => {
  let env: Started;
  let volumes: string[];
  let all: SimBackup[];
  beforeAll(async () => {
    env = await startVbs({ seed: 'empty' });
    ({ volumes, all } = seedBackups(env));
  });
  beforeEach(() => env.sim.server.clearRequests());
  afterAll(() => env.close());

  it('walks every backup exactly once, in createdAt desc then id desc order', async () => {
    const seen = await walk(env, {}, 17);
    expect(seen.map((b) => b.vendorId)).toEqual(all.map((b) => b.id));
    const [first] = env.sim.server.requests({ pathIncludes: '/backups/detail' });
    expect(Object.fromEntries(first!.query)).toEqual({ limit: '100', sort_key: 'created_at', sort_dir: 'desc' });
  });

  it('resumes from the vendor marker when the position backup still exists', async () => {
    const first = await env.provider.listBackups({ filter: {}, after: null, limit: 5 });
    env.sim.server.clearRequests();
    const last = first.at(-1)!;
    const next = await env.provider.listBackups({ filter: {}, after: { createdAt: last.createdAt!, vendorId: last.vendorId }, limit: 5 });
    expect(next.map((b) => b.vendorId)).toEqual(all.slice(5, 10).map((b) => b.id));
    const requests = env.sim.server.requests();
    expect(requests).toHaveLength(1);
    expect(requests[0]!.query.get('marker')).toBe(last.vendorId);
  });

  it('has no gap when the position backup is deleted between pages (falls back to scanning)', async () => {
    const removed: string[] = [];
    const seen = await walk(env, {}, 40, (page) => {
      const last = page.at(-1)!;
      env.sim.state.backups.delete(last.vendorId);
      removed.push(last.vendorId);
      all = all.filter((b) => b.id !== last.vendorId);
    });
    const expected = [...removed, ...all.map((b) => b.id)];
    expect(new Set(seen.map((b) => b.vendorId)).size).toBe(seen.length);
    expect(seen.map((b) => b.vendorId).sort()).toEqual(expected.sort());
    expect(env.sim.server.requests().some((r) => r.status === 400 && r.query.has('marker'))).toBe(true);
  });

  it('pushes volume and a one-to-one status down to the vendor', async () => {
    const seen = await walk(env, { sourceVendorId: volumes[0], statuses: ['FAILED'] }, 10);
    expect(seen.map((b) => b.vendorId)).toEqual(all.filter((b) => b.volume_id === volumes[0] && b.status === 'error').map((b) => b.id));
    const [first] = env.sim.server.requests({ pathIncludes: '/backups/detail' });
    expect(first!.query.get('volume_id')).toBe(volumes[0]);
    expect(first!.query.get('status')).toBe('error');
  });

  it('filters locally a status that several vendor statuses map to, and a name substring', async () => {
    const seen = await walk(env, { statuses: ['AVAILABLE'], nameContains: 'WEEK' }, 4);
    const expected = all.filter((b) => ['available', 'error_restoring'].includes(b.status) && b.name.includes('weekly'));
    expect(expected.length).toBeGreaterThan(3);
    expect(seen.map((b) => b.vendorId)).toEqual(expected.map((b) => b.id));
    const queries = env.sim.server.requests({ pathIncludes: '/backups/detail' }).map((r) => r.query);
    expect(queries.every((q) => !q.has('status') && !q.has('name'))).toBe(true);
  });

  it('applies createdAfter and createdBefore locally', async () => {
    const after = new Date(BASE + 100_000).toISOString();
    const before = new Date(BASE + 120_000).toISOString();
    const seen = await walk(env, { createdAfter: after, createdBefore: before }, 50);
    const expected = all.filter((b) => Date.parse(`${b.created_at}Z`) > Date.parse(after) && Date.parse(`${b.created_at}Z`) < Date.parse(before));
    expect(seen.map((b) => b.vendorId)).toEqual(expected.map((b) => b.id));
  });

  it('answers a database-only or impossible filter without an upstream request', async () => {
    expect(await env.provider.listBackups({ filter: { kinds: ['DATABASE'] }, after: null, limit: 5 })).toEqual([]);
    expect(await env.provider.listBackups({ filter: { statuses: ['DELETED'] }, after: null, limit: 5 })).toEqual([]);
    expect(await env.provider.listBackups({ filter: { sourceVendorId: 'not-a-uuid' }, after: null, limit: 5 })).toEqual([]);
    expect(env.sim.server.requests()).toHaveLength(0);
  });
});
