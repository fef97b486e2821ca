import { createContextCache } from '@pothos/core';
import DataLoader from 'dataloader';
import type { BackupPolicyRecord } from '../domain/backup-policy.js';
import { MAX_PAGE_SIZE } from '../domain/paging.js';
import type { BackupKind, BackupProvider, NewestFirstPosition } from '../domain/provider.js';
import { protectionOf, type Protection } from '../domain/protection.js';
import type { GatewayContext } from './context.js';

/**
 * What protection is computed from, read in batches per request: every policy of a provider once,
 * what the storages those policies are bound to hold (CBR vaults: one listing), and the newest AVAILABLE backup of many resources from one newest-first walk of the provider's
 * backups of that kind, which stops once it has met every resource asked about (so its cost follows
 * the number of backups newer than the oldest "newest backup", a page per 100, never the number of
 * resources). A single resource is asked about directly: one request.
 */

export type ProtectedType = 'Volume' | 'DatabaseInstance';
const KIND_OF: Record<ProtectedType, BackupKind> = { Volume: 'VOLUME', DatabaseInstance: 'DATABASE' };

/** All pages of a provider's policies. */
async function readAllPolicies(provider: BackupProvider): Promise<BackupPolicyRecord[]> {
  if (!provider.listBackupPolicies) return [];
  const all: BackupPolicyRecord[] = [];
  for (let offset = 0; ; offset += MAX_PAGE_SIZE) {
    const page = await provider.listBackupPolicies({ offset, limit: MAX_PAGE_SIZE });
    all.push(...page.items);
    const end = page.total !== null ? offset + MAX_PAGE_SIZE >= page.total : page.items.length < MAX_PAGE_SIZE;
    if (end) return all;
  }
}

/** Every policy of each provider asked about in a request, read once per provider. */
const policyLoaders = createContextCache(
  () => new DataLoader<BackupProvider, BackupPolicyRecord[], string>((providers) => Promise.all(providers.map((p) => readAllPolicies(p).catch((error: Error) => error))), { cacheKeyFn: (p) => p.key }),
);

export function policiesOf(ctx: GatewayContext, provider: BackupProvider): Promise<BackupPolicyRecord[]> {
  return policyLoaders(ctx).load(provider);
}

/**
 * The volumes each storage a policy is bound to holds (CBR: the vaults' resources), read once per
 * provider and request (one vault listing); empty where no policy is bound to a storage.
 */
const heldReads = createContextCache(() => new Map<BackupProvider, Promise<Map<string, Set<string>>>>());

function volumesHeld(ctx: GatewayContext, provider: BackupProvider, policies: BackupPolicyRecord[]): Promise<Map<string, Set<string>>> {
  const reads = heldReads(ctx);
  let read = reads.get(provider);
  if (!read) {
    const storageIds = [...new Set(policies.flatMap((p) => p.targets.filter((t) => t.type === 'BackupStorage').map((t) => t.vendorId)))];
    read =
      storageIds.length === 0 || !provider.protectedVolumeIds
        ? Promise.resolve(new Map())
        : provider.protectedVolumeIds(storageIds).then((held) => new Map(storageIds.map((id, i) => [id, new Set(held[i] ?? [])])));
    reads.set(provider, read);
  }
  return read;
}

/** createdAt of each source's newest AVAILABLE backup (null: none), by vendor id. */
async function newestAvailable(provider: BackupProvider, kind: BackupKind, sources: readonly string[]): Promise<Map<string, string | null>> {
  const wanted = new Set(sources);
  const found = new Map<string, string | null>();
  const filter = { kinds: [kind], statuses: ['AVAILABLE' as const] };
  if (wanted.size === 1) {
    const [source] = wanted;
    const [newest] = await provider.listBackups({ filter: { ...filter, sourceVendorId: source }, after: null, limit: 1 });
    return new Map([[source!, newest?.createdAt ?? null]]);
  }
  let after: NewestFirstPosition | null = null;
  while (wanted.size > 0) {
    const backups = await provider.listBackups({ filter, after, limit: MAX_PAGE_SIZE });
    for (const backup of backups) {
      const source = backup.source?.vendorId;
      if (source !== undefined && wanted.delete(source)) found.set(source, backup.createdAt);
    }
    const last = backups.at(-1);
    if (backups.length < MAX_PAGE_SIZE || !last?.createdAt) break;
    after = { createdAt: last.createdAt, vendorId: last.vendorId };
  }
  for (const source of wanted) found.set(source, null);
  return found;
}

type NewestKey = { provider: BackupProvider; type: ProtectedType; vendorId: string };

const newestLoaders = createContextCache(
  () =>
    new DataLoader<NewestKey, string | null, string>(
      async (keys) => {
        const groups = new Map<string, NewestKey[]>();
        for (const key of keys) {
          const group = `${key.provider.key}|${key.type}`;
          groups.set(group, [...(groups.get(group) ?? []), key]);
        }
        const answers = new Map<string, string | null | Error>();
        await Promise.all(
          [...groups.values()].map(async (group) => {
            const { provider, type } = group[0]!;
            try {
              const found = await newestAvailable(provider, KIND_OF[type], [...new Set(group.map((k) => k.vendorId))]);
              for (const key of group) answers.set(cacheKey(key), found.get(key.vendorId) ?? null);
            } catch (error) {
              for (const key of group) answers.set(cacheKey(key), error as Error);
            }
          }),
        );
        return keys.map((key) => answers.get(cacheKey(key)) ?? null);
      },
      { cacheKeyFn: cacheKey },
    ),
);

function cacheKey(key: NewestKey): string {
  return `${key.provider.key}|${key.type}|${key.vendorId}`;
}

/**
 * The protection of a volume or instance, from the batched reads above. A volume is covered by the
 * policies attached to it and by those bound to a storage that holds it (a CBR vault's policies).
 */
export async function protectionOfResource(ctx: GatewayContext, provider: BackupProvider, type: ProtectedType, vendorId: string): Promise<Protection> {
  const [policies, lastBackupAt] = await Promise.all([
    policiesOf(ctx, provider),
    newestLoaders(ctx).load({ provider, type, vendorId }),
  ]);
  const held = type === 'Volume' ? await volumesHeld(ctx, provider, policies) : new Map<string, Set<string>>();
  const covering = policies.filter((policy) =>
    policy.targets.some((target) => (target.type === type && target.vendorId === vendorId) || (target.type === 'BackupStorage' && held.get(target.vendorId)?.has(vendorId))),
  );
  return protectionOf(covering, lastBackupAt, ctx.live.now());
}
