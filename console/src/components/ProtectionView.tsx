import { useCallback, useState } from 'react';
import { useClient } from 'urql';
import { ConsoleProtectionDocument, type ConsoleProtectionQuery, type ProtectionState } from '../../../schema/client/graphql.js';
import { providerKindLabel } from '../format';
import { PROTECTION_PAGE_SIZE } from '../page-sizes';
import { pageOf, usePaged } from '../paged';
import { Breakable } from './Breakable';
import { Instant } from './Instant';
import { ListFooter } from './ListFooter';
import { ListNotices } from './ListNotices';
import { ProviderSelect } from './ProviderSelect';
import { StatusBadge } from './StatusBadge';

const STATES: ProtectionState[] = ['PROTECTED', 'STALE', 'UNPROTECTED'];

type Resource = NonNullable<ConsoleProtectionQuery['protectionReport']['edges'][number]['node']>;

/** Every volume and database instance with its protection state, last and next backup, across providers. */
export function ProtectionView() {
  const client = useClient();
  const [provider, setProvider] = useState('');
  const [state, setState] = useState<'' | ProtectionState>('');
  const fetchPage = useCallback(
    async (after: string | null) => {
      const variables = { first: PROTECTION_PAGE_SIZE, after, provider: provider || null, states: state ? [state] : null };
      const result = await client.query(ConsoleProtectionDocument, variables, { requestPolicy: 'network-only' }).toPromise();
      return { page: pageOf(result.data?.protectionReport), error: result.error };
    },
    [client, provider, state],
  );
  const { state: list, loadMore, reload } = usePaged<Resource>(fetchPage);

  return (
    <main className="layout single">
      <section className="panel list protection" aria-labelledby="protection-title">
        <h2 id="protection-title">Protection</h2>
        <form className="filters" role="search" aria-label="Filter protection" onSubmit={(e) => e.preventDefault()}>
          <label>
            Provider
            <ProviderSelect id="protection-provider" none="All" value={provider} onChange={(e) => setProvider(e.target.value)} />
          </label>
          <label>
            State
            <select id="protection-state" value={state} onChange={(e) => setState(e.target.value as '' | ProtectionState)}>
              <option value="">All</option>
              {STATES.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          {/* States move as time passes and scheduled runs make backups: read them again on request. */}
          <button type="button" onClick={reload} disabled={list.loading}>
            Refresh
          </button>
        </form>
        <ListNotices failures={list.failures} error={list.error} what="volumes and instances" />
        <div className="table-wrap" aria-busy={list.loading}>
          <table>
            <caption className="visually-hidden">Volumes and database instances with their protection</caption>
            <thead>
              <tr>
                <th scope="col">Resource</th>
                <th scope="col">Provider</th>
                <th scope="col">State</th>
                <th scope="col">Last backup</th>
                <th scope="col">Next backup</th>
                <th scope="col">Policies</th>
              </tr>
            </thead>
            <tbody>
              {list.rows.map((row) => (
                <ProtectionRow key={row.id} row={row} />
              ))}
            </tbody>
          </table>
        </div>
        <ListFooter state={list} onMore={loadMore} none="No volume or instance matches." />
      </section>
    </main>
  );
}

function ProtectionRow({ row }: { row: Resource }) {
  const { protection } = row;
  return (
    <tr data-resource={row.id} data-provider-kind={row.provider.kind} data-state={protection.state}>
      <td className="name">
        <Breakable text={row.name ?? row.id} />
        <div className="muted">{row.__typename === 'Volume' ? 'volume' : 'database'}</div>
      </td>
      <td>
        {row.provider.name}
        <div className="muted">{providerKindLabel(row.provider.kind)}</div>
      </td>
      <td>
        <StatusBadge status={protection.state} />
      </td>
      <td className="when">
        <span className="card-label">last </span>
        <Instant iso={protection.lastBackupAt} />
      </td>
      <td className="when">
        <span className="card-label">next </span>
        <Instant iso={protection.nextBackupAt} />
      </td>
      <td>{protection.policies.length > 0 ? protection.policies.map((policy) => policy.name).join(', ') : <span className="muted">none</span>}</td>
    </tr>
  );
}
