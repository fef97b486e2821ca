import type { BackupRowFragment } from '../../../schema/client/graphql.js';
import { storageTypeLabel } from '../format';
import type { Storage } from '../vaults';
import { Breakable } from './Breakable';

/** Where a backup is kept: each storage's name and type (a CBR vault, a ZStack image store); none → a dash. */
export function StorageCell({ refs, storages }: { refs: BackupRowFragment['storageRefs']; storages: ReadonlyMap<string, Storage> }) {
  if (refs.length === 0) return <>—</>;
  return (
    <>
      {refs.map(({ backupStorage: { id } }) => {
        const storage = storages.get(id);
        return (
          <div key={id} className="storage" data-storage={storage?.name} data-storage-type={storage?.type ?? undefined}>
            <Breakable text={storage?.name ?? '…'} />
            <div className="muted" title={storage?.type ?? undefined}>
              {storageTypeLabel(storage?.type)}
            </div>
          </div>
        );
      })}
    </>
  );
}
