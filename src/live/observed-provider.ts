import type { BackupProvider, BackupRecord, Page, SnapshotRecord } from '../domain/provider.js';

/**
 * A provider whose reads report what they saw, so that backups and snapshots a query finds still
 * moving (being created, deleted, restored) are watched until they settle. The watcher polls through
 * the raw provider (`unobserved`), so its own reads are not reported back to it.
 */

export interface SeenRecords {
  backups(records: readonly (BackupRecord | null)[]): void;
  snapshots(records: readonly (SnapshotRecord | null)[]): void;
}

const RAW = Symbol('unobserved provider');

type Observed = BackupProvider & { [RAW]?: BackupProvider };

export function unobserved(provider: BackupProvider): BackupProvider {
  return (provider as Observed)[RAW] ?? provider;
}

export function observeReads(provider: BackupProvider, seen: SeenRecords): BackupProvider {
  const report = <T>(result: Promise<T>, pick: (value: T) => void): Promise<T> =>
    result.then((value) => {
      pick(value);
      return value;
    });
  const wrapped: Partial<BackupProvider> = {
    getBackups: (ids) => report(provider.getBackups(ids), (records) => seen.backups(records)),
    listBackups: (request) => report(provider.listBackups(request), (records) => seen.backups(records)),
    ...(provider.getSnapshots && {
      getSnapshots: (ids: readonly string[]) => report(provider.getSnapshots!(ids), (records) => seen.snapshots(records)),
    }),
    ...(provider.listSnapshots && {
      listSnapshots: (filter: { volumeId?: string }, page: Parameters<NonNullable<BackupProvider['listSnapshots']>>[1]) =>
        report(provider.listSnapshots!(filter, page), (result: Page<SnapshotRecord>) => seen.snapshots(result.items)),
    }),
  };
  return new Proxy(provider, {
    get(target, property) {
      if (property === RAW) return target;
      if (Object.hasOwn(wrapped, property)) return wrapped[property as keyof BackupProvider];
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  }) as Observed;
}
