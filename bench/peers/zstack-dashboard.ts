import { createHash } from 'node:crypto';
import { parseZStackDate } from '../../src/providers/zstack/dates.js';

/**
 * What every hand-written peer needs to answer the Dashboard query over ZStack exactly as backupgraph
 * does (same ids, cursors, dates), written plainly: the three Query API URLs, the ZStack login, and
 * inventory → dashboard node. Dates go through backupgraph's own `parseZStackDate`, so every variant
 * pays the same per-row date conversion and the comparison is about the serving stack alone.
 */

export interface PeerSettings {
  /** `http://127.0.0.1:<port>/zstack` */
  zstackUrl: string;
  accountName: string;
  password: string;
  /** `tenant/provider` as backupgraph names it in global ids. */
  providerKey: string;
  providerName: string;
  timeZone: string;
}

export interface BackupRow {
  uuid: string;
  name?: string;
  status?: string;
  size?: number;
  volumeUuid?: string;
  groupUuid?: string;
  createDate?: string;
  backupStorageRefs?: { backupStorageUuid?: string; installPath?: string }[];
}

export interface NamedRow {
  uuid: string;
  name?: string;
}

const STATUS: Record<string, string> = { Creating: 'CREATING', Ready: 'AVAILABLE', Deleted: 'DELETED', Downloading: 'RESTORING' };

export const globalId = (typename: string, localId: string) => Buffer.from(`${typename}:${localId}`).toString('base64url');

export async function logIn(settings: PeerSettings): Promise<string> {
  const response = await fetch(`${settings.zstackUrl}/v1/accounts/login`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      logInByAccount: { accountName: settings.accountName, password: createHash('sha512').update(settings.password).digest('hex') },
    }),
  });
  const body = (await response.json()) as { inventory: { uuid: string } };
  return body.inventory.uuid;
}

/** The newest `limit` backups: the listing backupgraph sends for a first page. */
export const backupsPath = (limit: number) => `volume-backups?limit=${limit}&sort=-createDate`;
/** Rows by uuid in one `uuid?=` condition, as ZStack's Query API takes them. */
export const byUuidsPath = (resource: string, uuids: readonly string[]) =>
  `${resource}?q=${encodeURIComponent(`uuid?=${uuids.join(',')}`)}&limit=1000`;

export function providerNode(settings: PeerSettings) {
  return { id: globalId('Provider', settings.providerKey), name: settings.providerName, kind: 'ZSTACK' };
}

/** The backup's own fields; references (volume, storages) are resolved by the caller. */
export function backupFields(row: BackupRow, settings: PeerSettings) {
  const local = (uuid: string) => `${settings.providerKey}:${uuid}`;
  const createdAt = parseZStackDate(row.createDate, settings.timeZone);
  return {
    id: globalId('Backup', local(row.uuid)),
    name: row.name ?? '',
    kind: 'VOLUME',
    status: STATUS[row.status ?? ''] ?? 'UNKNOWN',
    vendorStatus: row.status ?? '',
    sizeBytes: typeof row.size === 'number' ? Math.round(row.size) : null,
    createdAt,
    group: row.groupUuid ? { id: globalId('BackupGroup', local(row.groupUuid)) } : null,
    cursor: Buffer.from(
      JSON.stringify({ c: createdAt ?? '1970-01-01T00:00:00.000Z', p: settings.providerKey, i: row.uuid }),
    ).toString('base64url'),
  };
}

export function namedNode(typename: string, row: NamedRow | undefined, settings: PeerSettings) {
  return row ? { id: globalId(typename, `${settings.providerKey}:${row.uuid}`), name: row.name ?? null } : null;
}

/** The referenced uuids of a page: volumes and backup storages, each once. */
export function referencedUuids(rows: readonly BackupRow[]) {
  const volumes = new Set<string>();
  const storages = new Set<string>();
  for (const row of rows) {
    if (row.volumeUuid) volumes.add(row.volumeUuid);
    for (const ref of row.backupStorageRefs ?? []) if (ref.backupStorageUuid) storages.add(ref.backupStorageUuid);
  }
  return { volumes: [...volumes], storages: [...storages] };
}
