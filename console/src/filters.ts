import type { BackupFilter, BackupKind, BackupRowFragment, BackupStatus } from '../../schema/client/graphql.js';

/**
 * What the filter bar holds (strings, as form controls give them) and how it maps to the API's
 * BackupFilter; the same rules decide whether a row that arrives live belongs in the list.
 */
export interface FilterForm {
  provider: string;
  kind: '' | BackupKind;
  status: '' | BackupStatus;
  nameContains: string;
  /** `<input type="datetime-local">` values, in the reader's time zone. */
  createdFrom: string;
  createdTo: string;
}

export const NO_FILTER: FilterForm = { provider: '', kind: '', status: '', nameContains: '', createdFrom: '', createdTo: '' };

/** A local `datetime-local` value as a UTC instant; empty or unreadable → undefined. */
function instantOf(local: string): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Only the parts that are set; no filter at all when none is. */
export function toBackupFilter(form: FilterForm): BackupFilter | undefined {
  const filter: BackupFilter = {};
  if (form.provider) filter.providers = [form.provider];
  if (form.kind) filter.kinds = [form.kind];
  if (form.status) filter.statuses = [form.status];
  const name = form.nameContains.trim();
  if (name) filter.nameContains = name;
  const after = instantOf(form.createdFrom);
  const before = instantOf(form.createdTo);
  if (after) filter.createdAfter = after;
  if (before) filter.createdBefore = before;
  return Object.keys(filter).length > 0 ? filter : undefined;
}

/** Whether a backup the list has not loaded would be in it under this filter. */
export function matchesFilter(row: BackupRowFragment, filter: BackupFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.providers && !filter.providers.includes(row.provider.id)) return false;
  if (filter.kinds && !filter.kinds.includes(row.kind)) return false;
  if (filter.statuses && !filter.statuses.includes(row.status)) return false;
  if (filter.nameContains && !row.name.toLowerCase().includes(filter.nameContains.toLowerCase())) return false;
  const created = row.createdAt ? Date.parse(row.createdAt) : null;
  if (filter.createdAfter && (created === null || created < Date.parse(filter.createdAfter))) return false;
  if (filter.createdBefore && (created === null || created > Date.parse(filter.createdBefore))) return false;
  return true;
}
