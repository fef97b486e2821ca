import { useQuery } from 'urql';
import { ConsoleDisksDocument } from '../../../schema/client/graphql.js';
import { vaultChoices, vaultHolding, type Storage } from '../vaults';
import { DiskItem } from './DiskItem';
import type { TrackedJob } from './JobsDrawer';

/** One provider's disks as items of the disks panel. `storages` undefined: the vaults are not read yet. */
export function ProviderDisks({ providerId, storages, onJob }: { providerId: string; storages: readonly Storage[] | undefined; onJob(job: TrackedJob): void }) {
  const [{ data }] = useQuery({ query: ConsoleDisksDocument, variables: { provider: providerId } });
  if (!data) return null;
  const disks = data.volumes.edges.flatMap((edge) => (edge.node ? [edge.node] : []));
  return (
    <>
      {disks.map((disk) => (
        <DiskItem key={disk.id} disk={disk} vault={storages && (vaultHolding(disk.id, storages) ?? null)} choices={vaultChoices(disk, storages ?? [])} onJob={onJob} />
      ))}
      {data.volumes.pageInfo.hasNextPage && <li className="muted">The first {disks.length} disks of {disks[0]?.provider.name ?? 'this provider'} are shown.</li>}
    </>
  );
}
