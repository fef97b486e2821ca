import { useCallback } from 'react';
import { useQuery } from 'urql';
import { ConsoleVaultsDocument, ProviderHealthDocument } from '../../../schema/client/graphql.js';
import { vaultedProviders } from '../vaults';
import type { TrackedJob } from './JobsDrawer';
import { ProviderDisks } from './ProviderDisks';

/**
 * The disks that live in vaults (Huawei CBR): which vault holds each, and Protect / Unprotect where
 * the key may. A protect or unprotect job joins the jobs drawer; when it ends, the vaults are read
 * again so the disk shows where it now is (and the list's storage names stay current).
 */
export function DisksPanel({ onJob }: { onJob(job: TrackedJob): void }) {
  // The health strip's query: the document cache answers it without another request.
  const [{ data: health }] = useQuery({ query: ProviderHealthDocument });
  const [{ data: vaults }, readVaults] = useQuery({ query: ConsoleVaultsDocument });
  const started = useCallback((job: TrackedJob) => onJob({ ...job, onEnd: () => readVaults({ requestPolicy: 'network-only' }) }), [onJob, readVaults]);
  const providers = vaultedProviders(health?.providers ?? []);
  if (providers.length === 0) return null;
  return (
    <section className="panel disks" aria-labelledby="disks-title">
      <h2 id="disks-title">Disks in vaults</h2>
      <p className="muted">A CBR disk is backed up only while a disk vault holds it.</p>
      <ul>
        {providers.map((provider) => (
          <ProviderDisks key={provider.id} providerId={provider.id} storages={vaults?.backupStorages} onJob={started} />
        ))}
      </ul>
    </section>
  );
}
