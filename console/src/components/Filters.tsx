import type { BackupKind, BackupStatus } from '../../../schema/client/graphql.js';
import type { FilterForm } from '../filters';
import { ProviderSelect } from './ProviderSelect';

const KINDS: BackupKind[] = ['VOLUME', 'DATABASE'];
const STATUSES: BackupStatus[] = ['AVAILABLE', 'CREATING', 'DELETING', 'RESTORING', 'FAILED', 'DELETED', 'UNKNOWN'];

/** The filter bar: every control labelled, applied as it changes. */
export function Filters({ value, onChange }: { value: FilterForm; onChange(next: FilterForm): void }) {
  const set = <K extends keyof FilterForm>(key: K, next: FilterForm[K]) => onChange({ ...value, [key]: next });
  return (
    <form className="filters" role="search" aria-label="Filter backups" onSubmit={(e) => e.preventDefault()}>
      <label>
        Provider
        <ProviderSelect id="filter-provider" none="All" value={value.provider} onChange={(e) => set('provider', e.target.value)} />
      </label>
      <label>
        Kind
        <select id="filter-kind" value={value.kind} onChange={(e) => set('kind', e.target.value as FilterForm['kind'])}>
          <option value="">All</option>
          {KINDS.map((k) => (
            <option key={k}>{k}</option>
          ))}
        </select>
      </label>
      <label>
        Status
        <select id="filter-status" value={value.status} onChange={(e) => set('status', e.target.value as FilterForm['status'])}>
          <option value="">All</option>
          {STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <label>
        Name contains
        <input id="filter-name" type="search" value={value.nameContains} onChange={(e) => set('nameContains', e.target.value)} />
      </label>
      {/* One group: the range wraps onto the next row whole, never one end without the other. */}
      <div className="range" role="group" aria-label="Created between">
        <label>
          Created from
          <input type="datetime-local" value={value.createdFrom} onChange={(e) => set('createdFrom', e.target.value)} />
        </label>
        <label>
          Created to
          <input type="datetime-local" value={value.createdTo} onChange={(e) => set('createdTo', e.target.value)} />
        </label>
      </div>
    </form>
  );
}
