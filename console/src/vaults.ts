import type { ConsoleDisksQuery, ConsoleVaultsQuery, DiskBackupsQuery, ProviderKind } from '../../schema/client/graphql.js';

/**
 * Which vault holds a disk, which vaults it may go to, and which of its backups leaving a vault
 * deletes: pure, so unit tests cover them (test/unit/console-vaults.test.ts).
 */

export type Storage = ConsoleVaultsQuery['backupStorages'][number];
export type Disk = NonNullable<ConsoleDisksQuery['volumes']['edges'][number]['node']>;
export type DiskBackup = NonNullable<DiskBackupsQuery['backups']['edges'][number]['node']>;

/** The storage type of a CBR vault: the only storages protectVolume binds a disk to. */
const VAULT_TYPE = 'CBR_VAULT';

/** The vendors whose disks are bound to vaults (protectVolume and unprotectVolume). */
const VAULTED_KINDS: ReadonlySet<ProviderKind> = new Set(['HUAWEI_CBR']);

/** The providers whose disks the disks panel shows. */
export function vaultedProviders<P extends { kind: ProviderKind }>(providers: readonly P[]): P[] {
  return providers.filter((provider) => VAULTED_KINDS.has(provider.kind));
}

/** The vault that lists the disk among its protected volumes, if any. */
export function vaultHolding(volumeId: string, storages: readonly Storage[]): Storage | undefined {
  return storages.find((storage) => storage.protectedVolumes.some((volume) => volume.id === volumeId));
}

/**
 * The disk's provider's vaults. The API does not say which hold disks and which servers: a server
 * vault is refused by the API (BackupService.6102), and the console shows that beside the field.
 */
export function vaultChoices(disk: Disk, storages: readonly Storage[]): Storage[] {
  return storages.filter((storage) => storage.provider.id === disk.provider.id && storage.type === VAULT_TYPE);
}

/** The backups that are in that vault and not already gone: what removing the disk from it deletes. */
export function backupsInVault(backups: readonly DiskBackup[], vaultId: string): DiskBackup[] {
  return backups.filter((backup) => backup.status !== 'DELETED' && backup.storageRefs.some((ref) => ref.backupStorage.id === vaultId));
}
