import { useCallback, useEffect, useMemo, useState } from 'react';
import { useClient, useQuery } from 'urql';
import { BackupStatusChangedDocument, ConsoleBackupsDocument, ConsoleVaultsDocument, ProviderHealthDocument, type BackupRowFragment } from '../../../schema/client/graphql.js';
import { NO_FILTER, toBackupFilter, type FilterForm } from '../filters';
import { humanSize, providerKindLabel } from '../format';
import { pageOf, usePaged } from '../paged';
import { applyStatusEvent, providerFailures } from '../rows';
import { Breakable } from './Breakable';
import { Filters } from './Filters';
import { Instant } from './Instant';
import { ListFooter } from './ListFooter';
import { ListNotices } from './ListNotices';
import { RowActions } from './RowActions';
import { StatusBadge } from './StatusBadge';
import { StorageCell } from './StorageCell';
import type { TrackedJob } from './JobsDrawer';

const PAGE_SIZE = 25;

/** Backups across every provider: filtered, paged with "load more", and kept live by backupStatusChanged. */
export function BackupList({ onJob }: { onJob(job: TrackedJob): void }) {
  const client = useClient();
  const [form, setForm] = useState<FilterForm>(NO_FILTER);
  const filter = useMemo(() => toBackupFilter(form), [form]);
  // The storages once for every row (the disks panel reads the same document, so one request serves both).
  const [{ data: vaults }] = useQuery({ query: ConsoleVaultsDocument });
  const storages = useMemo(() => new Map((vaults?.backupStorages ?? []).map((storage) => [storage.id, storage])), [vaults]);
  const fetchPage = useCallback(
    async (after: string | null) => {
      const result = await client.query(ConsoleBackupsDocument, { first: PAGE_SIZE, after, filter }, { requestPolicy: 'network-only' }).toPromise();
      // A provider failed the listing: the health strip (same document, so it gets the answer) checks again now.
      if (providerFailures(result.error?.graphQLErrors).length > 0) void client.query(ProviderHealthDocument, {}, { requestPolicy: 'network-only' }).toPromise();
      return { page: pageOf(result.data?.backups), error: result.error };
    },
    [client, filter],
  );
  const { state, loadMore, setState } = usePaged<BackupRowFragment>(fetchPage);

  useEffect(() => {
    const subscription = client.subscription(BackupStatusChangedDocument, {}).subscribe((result) => {
      const event = result.data?.backupStatusChanged;
      // Until the first page is in, there is no newest row to tell new backups from the opening burst.
      if (event) setState((s) => (s.loading && s.rows.length === 0 ? s : { ...s, rows: applyStatusEvent(s.rows, event.backup, filter) }));
    });
    return () => subscription.unsubscribe();
  }, [client, filter]);

  return (
    <section className="panel list" aria-labelledby="backups-title">
      <h2 id="backups-title">Backups</h2>
      <Filters value={form} onChange={setForm} />
      <ListNotices failures={state.failures} error={state.error} what="backups" />
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">Backups, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Provider</th>
              <th scope="col">Source</th>
              <th scope="col">Stored in</th>
              <th scope="col">Status</th>
              <th scope="col">Size</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {state.rows.map((row) => (
              <tr key={row.id} data-backup={row.name} data-provider-kind={row.provider.kind}>
                <td className="name">
                  <Breakable text={row.name} />
                </td>
                <td>
                  {row.provider.name}
                  <div className="muted">
                    {providerKindLabel(row.provider.kind)} · {row.kind.toLowerCase()}
                  </div>
                </td>
                <td>
                  <Breakable text={row.source?.name ?? row.source?.id ?? '—'} />
                  {row.source && <div className="muted">{row.source.__typename === 'Volume' ? 'volume' : 'database'}</div>}
                </td>
                <td>
                  <StorageCell refs={row.storageRefs} storages={storages} />
                </td>
                <td>
                  <StatusBadge status={row.status} vendorStatus={row.vendorStatus} />
                </td>
                <td className="number">{humanSize(row.sizeBytes)}</td>
                <td className="when">
                  <Instant iso={row.createdAt} />
                </td>
                <td className="actions">
                  <RowActions row={row} onJob={onJob} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ListFooter state={state} onMore={loadMore} none="No backups match." />
    </section>
  );
}
