import { useEffect, useMemo, useRef, useState } from 'react';
import { useClient, useQuery } from 'urql';
import { BackupStatusChangedDocument, ConsoleBackupsDocument, ConsoleVaultsDocument, ProviderHealthDocument, type BackupRowFragment } from '../../../schema/client/graphql.js';
import { NO_FILTER, toBackupFilter, type FilterForm } from '../filters';
import { humanSize, providerKindLabel, shortTime } from '../format';
import { appendPage, applyStatusEvent, providerFailures, type ProviderFailure } from '../rows';
import { Breakable } from './Breakable';
import { Filters } from './Filters';
import { RowActions } from './RowActions';
import { StatusBadge } from './StatusBadge';
import { StorageCell } from './StorageCell';
import type { TrackedJob } from './JobsDrawer';

const PAGE_SIZE = 25;

interface ListState {
  rows: BackupRowFragment[];
  endCursor: string | null;
  hasNextPage: boolean;
  loading: boolean;
  failures: ProviderFailure[];
  error: string | null;
}

const EMPTY: ListState = { rows: [], endCursor: null, hasNextPage: false, loading: true, failures: [], error: null };

/** Backups across every provider: filtered, paged with "load more", and kept live by backupStatusChanged. */
export function BackupList({ onJob }: { onJob(job: TrackedJob): void }) {
  const client = useClient();
  const [form, setForm] = useState<FilterForm>(NO_FILTER);
  const filter = useMemo(() => toBackupFilter(form), [form]);
  const [state, setState] = useState<ListState>(EMPTY);
  // The storages once for every row (the disks panel reads the same document, so one request serves both).
  const [{ data: vaults }] = useQuery({ query: ConsoleVaultsDocument });
  const storages = useMemo(() => new Map((vaults?.backupStorages ?? []).map((storage) => [storage.id, storage])), [vaults]);
  // Only the latest request may fill the list: an answer for a filter since changed is dropped.
  const latest = useRef(0);

  const load = async (after: string | null) => {
    const ticket = ++latest.current;
    setState((s) => ({ ...s, loading: true }));
    const result = await client.query(ConsoleBackupsDocument, { first: PAGE_SIZE, after, filter }, { requestPolicy: 'network-only' }).toPromise();
    if (ticket !== latest.current) return;
    const connection = result.data?.backups;
    const page = (connection?.edges ?? []).flatMap((edge) => (edge.node ? [edge.node] : []));
    const failures = providerFailures(result.error?.graphQLErrors);
    // A provider failed the listing: the health strip (same document, so it gets the answer) checks again now.
    if (failures.length > 0) void client.query(ProviderHealthDocument, {}, { requestPolicy: 'network-only' }).toPromise();
    setState((s) => ({
      rows: after ? appendPage(s.rows, page) : page,
      endCursor: connection?.pageInfo.endCursor ?? null,
      hasNextPage: connection?.pageInfo.hasNextPage ?? false,
      loading: false,
      failures,
      error: !connection && result.error ? result.error.message : null,
    }));
  };

  // A new filter starts the list again from its first page.
  useEffect(() => {
    setState(EMPTY);
    void load(null);
  }, [filter]);

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
      {state.failures.map((failure) => (
        <p key={failure.provider} className="notice" role="status" data-failed-provider={failure.provider}>
          <strong>{failure.provider}</strong> is not answering ({failure.code}): its backups are missing below; the other providers' are shown.
          <span className="muted"> {failure.message}</span>
        </p>
      ))}
      {state.error && (
        <p className="notice" role="alert">
          {state.error}
        </p>
      )}
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
                  <time dateTime={row.createdAt ?? undefined} title={row.createdAt ?? undefined}>
                    {shortTime(row.createdAt)}
                  </time>
                </td>
                <td className="actions">
                  <RowActions row={row} onJob={onJob} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!state.loading && state.rows.length === 0 && !state.error && <p className="muted">No backups match.</p>}
      <p aria-live="polite" className="muted">
        {state.loading ? 'Loading…' : `${state.rows.length} shown`}
      </p>
      {state.hasNextPage && (
        <button type="button" disabled={state.loading} onClick={() => void load(state.endCursor)}>
          Load more
        </button>
      )}
    </section>
  );
}
