import { useEffect, useState } from 'react';
import { useClient, useMutation, type Client, type OperationResult } from 'urql';
import { DiskBackupsDocument, UnprotectVolumeDocument, type DiskBackupsQuery } from '../../../schema/client/graphql.js';
import { outcomeOf } from '../outcome';
import { backupsInVault, type Disk, type DiskBackup, type Storage } from '../vaults';
import { Confirm } from './Confirm';
import type { TrackedJob } from './JobsDrawer';

/**
 * Removing a disk from its vault makes CBR delete the disk's backups there. The confirmation names
 * each of them, read from the API first; only "Unprotect" sends the mutation (with
 * confirmDeleteBackups: true), and Cancel sends nothing.
 */
export function UnprotectConfirm({ disk, vault, onJob, onError, onClose }: { disk: Disk; vault: Storage; onJob(job: TrackedJob): void; onError(message: string): void; onClose(): void }) {
  const client = useClient();
  const [doomed, setDoomed] = useState<DiskBackup[] | null>(null);
  const [, unprotect] = useMutation(UnprotectVolumeDocument);
  const name = disk.name ?? disk.id;

  useEffect(() => {
    let current = true;
    diskBackups(client, disk.id).then(
      (backups) => current && setDoomed(backupsInVault(backups, vault.id)),
      (error: Error) => {
        if (!current) return;
        onError(`The backups of ${name} could not be read, so nothing was sent: ${error.message}`);
        onClose();
      },
    );
    return () => {
      current = false;
    };
  }, [client, disk.id, vault.id]);

  if (!doomed) {
    return (
      <p className="muted" role="status">
        Reading the backups of {name} in {vault.name}…
      </p>
    );
  }
  const run = async () => {
    onClose();
    const outcome = await unprotect({ input: { volumeId: disk.id, backupStorageId: vault.id, confirmDeleteBackups: true } }).then((r) => outcomeOf(r.data?.unprotectVolume, r.error));
    if (outcome.kind === 'job') onJob({ id: outcome.job.id, label: `Unprotect ${name} from ${vault.name}`, initial: outcome.job });
    else onError(outcome.kind === 'invalid' ? Object.values(outcome.fields).join('; ') : outcome.message);
  };
  const count = doomed.length === 1 ? '1 backup' : `${doomed.length} backups`;
  return (
    <Confirm title={`Unprotect ${name}?`} action={doomed.length > 0 ? `Unprotect and delete ${count}` : 'Unprotect'} onConfirm={() => void run()} onCancel={onClose}>
      <p>
        <strong>{name}</strong> leaves vault <strong>{vault.name}</strong> ({vault.provider.name}) and is no longer backed up there.
      </p>
      {doomed.length > 0 ? (
        <>
          <p>
            CBR deletes its {count} in that vault with it. This cannot be undone:
          </p>
          <ul className="doomed" aria-label="Backups that will be deleted">
            {doomed.map((backup) => (
              <li key={backup.id} data-backup={backup.name}>
                {backup.name}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>It has no backups in that vault: none are deleted.</p>
      )}
    </Confirm>
  );
}

/** Every backup of the disk, page after page; any error (a provider that did not answer) fails the whole read. */
async function diskBackups(client: Client, volumeId: string): Promise<DiskBackup[]> {
  const backups: DiskBackup[] = [];
  for (let after: string | null = null; ; ) {
    const result: OperationResult<DiskBackupsQuery> = await client.query(DiskBackupsDocument, { volumeId, after }, { requestPolicy: 'network-only' }).toPromise();
    if (result.error || !result.data) throw new Error(result.error?.message ?? 'No answer from the gateway');
    const { edges, pageInfo } = result.data.backups;
    backups.push(...edges.flatMap((edge) => (edge.node ? [edge.node] : [])));
    if (!pageInfo.hasNextPage || !pageInfo.endCursor) return backups;
    after = pageInfo.endCursor;
  }
}
