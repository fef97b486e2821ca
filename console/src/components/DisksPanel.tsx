import { useCallback } from 'react';
import { useQuery } from 'urql';
import { ConsoleDisksDocument, ConsoleVaultsDocument } from '../../../schema/client/graphql.js';
import { useWhenJobEnds } from '../after-job';
import { vaultChoices, vaultedDisks, vaultHolding } from '../vaults';
import { DiskItem } from './DiskItem';
import type { TrackedJob } from './JobsDrawer';

/**
 * The disks that live in vaults (Huawei CBR): which vault holds each, and Protect / Unprotect where
 * the key may. A protect or unprotect job joins the jobs drawer; when it ends, the vaults are read
 * again so the disk shows where it now is (and the list's storage names stay current).
 */
export function DisksPanel({ onJob }: { onJob(job: TrackedJob): void }) {
  const [{ data: disksData }] = useQuery({ query: ConsoleDisksDocument });
  const [{ data: vaultsData }, readVaults] = useQuery({ query: ConsoleVaultsDocument });
  const whenJobEnds = useWhenJobEnds();
  const started = useCallback(
    (job: TrackedJob) => {
      onJob(job);
      whenJobEnds(job.id, () => readVaults({ requestPolicy: 'network-only' }));
    },
    [onJob, whenJobEnds, readVaults],
  );
  const disks = vaultedDisks(disksData);
  if (disks.length === 0) return null;
  const storages = vaultsData?.backupStorages ?? [];
  return (
    <section className="panel disks" aria-labelledby="disks-title">
      <h2 id="disks-title">Disks in vaults</h2>
      <p className="muted">A CBR disk is backed up only while a disk vault holds it.</p>
      <ul>
        {disks.map((disk) => (
          <DiskItem key={disk.id} disk={disk} vault={vaultsData ? (vaultHolding(disk.id, storages) ?? null) : undefined} choices={vaultChoices(disk, storages)} onJob={started} />
        ))}
      </ul>
    </section>
  );
}
