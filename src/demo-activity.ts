import type { BackupProvider } from './domain/provider.js';
import type { ProviderConfig } from './infrastructure/config.js';
import { createProvider } from './providers/registry.js';

/**
 * Someone else at work on the demo vendors, through their own REST APIs as another console would:
 * every few seconds a backup named `activity-N` on the next vendor in turn (ZStack, VBS, TaurusDB, CBR),
 * and that vendor's older `activity-` backups beyond the newest few deleted, so the demo's own data
 * stays what the first screen shows. A subscription in GraphiQL
 * (`subscription { backupStatusChanged { backup { name } previousStatus status occurredAt } }`)
 * shows each one appear CREATING and turn AVAILABLE, without any mutation sent to the gateway.
 */
export interface DemoActivity {
  /** One round now: the next vendor's backup, then its oldest activity backups removed. */
  round(): Promise<void>;
  stop(): Promise<void>;
}

const ACTIVITY_PREFIX = 'activity-';
/** Activity backups each vendor keeps; at most this many per vendor ever stand among the newest. */
const ACTIVITY_KEEPS_PER_PROVIDER = 1;

export function startActivity(providerConfigs: readonly ProviderConfig[], everyMs: number | null): DemoActivity {
  const providers = providerConfigs.map((config) => createProvider('demo-other-console', config));
  const sources = new Map<BackupProvider, Promise<string[]>>();
  let count = 0;

  const round = async () => {
    count += 1;
    const provider = providers[(count - 1) % providers.length]!;
    if (!sources.has(provider)) sources.set(provider, sourcesOf(provider));
    const ids = await sources.get(provider)!;
    const sourceId = ids[Math.floor((count - 1) / providers.length) % ids.length]!;
    await createBackup(provider, sourceId, `${ACTIVITY_PREFIX}${count}`);
    await removeOlder(provider);
  };

  // A failed round (a vendor busy with the previous one, say) is skipped: the next one tries again.
  const timer = everyMs === null ? null : setInterval(() => void round().catch(() => undefined), everyMs);
  return {
    round,
    async stop() {
      if (timer) clearInterval(timer);
      await Promise.all(providers.map((provider) => provider.close()));
    },
  };
}

/**
 * What the provider backs up: its database instances, or else its volumes; where backups live in
 * storages that must hold the volume first (CBR vaults), only the volumes they hold.
 */
async function sourcesOf(provider: BackupProvider): Promise<string[]> {
  const page = { offset: 0, limit: 10 };
  if (provider.createDatabaseBackup && provider.listDatabaseInstances) return (await provider.listDatabaseInstances(page)).items.map((record) => record.vendorId);
  if (provider.protectedVolumeIds && provider.listBackupStorages) {
    const storages = await provider.listBackupStorages();
    return (await provider.protectedVolumeIds(storages.map((storage) => storage.vendorId))).flat();
  }
  return (await provider.listVolumes!(page)).items.map((record) => record.vendorId);
}

async function createBackup(provider: BackupProvider, sourceId: string, name: string): Promise<void> {
  const common = { name, description: 'made by the demo activity', idempotencyKey: null };
  if (provider.createDatabaseBackup && provider.listDatabaseInstances) {
    await provider.createDatabaseBackup({ instanceId: sourceId, ...common });
    return;
  }
  // A vault that holds the volume is found by the vendor (CBR); elsewhere the first storage serves.
  const storages = provider.listBackupStorages && !provider.protectedVolumeIds ? await provider.listBackupStorages() : [];
  await provider.createVolumeBackup!({
    volumeId: sourceId,
    backupStorageId: storages[0]?.vendorId ?? null,
    snapshotId: null,
    bandwidth: null,
    tags: [],
    ...common,
  });
}

async function removeOlder(provider: BackupProvider): Promise<void> {
  const mine = await provider.listBackups({ filter: { nameContains: ACTIVITY_PREFIX }, after: null, limit: 20 });
  const older = mine.filter((backup) => backup.name.startsWith(ACTIVITY_PREFIX)).slice(ACTIVITY_KEEPS_PER_PROVIDER);
  const settled = older.filter((backup) => backup.status === 'AVAILABLE' || backup.status === 'FAILED');
  await Promise.all(settled.map((backup) => provider.deleteBackup!(backup.vendorId, null)));
}
