import type { SimBackup, SimSnapshot, SimVolume } from './state.js';

/**
 * The JSON VBS and EVS answer for a backup (huawei.md A.3), a volume (A.8 VolumeDetail) and a snapshot
 * (A.7), from the simulator's records. Field names are the vendor's; the SDK-shape test checks them.
 */

/** Where the simulator serves, for `links` and the tenant attributes. */
export interface Place {
  url: string;
  projectId: string;
}

export function backupJson(backup: SimBackup, at: Place): Record<string, unknown> {
  const { tags: _tags, ...fields } = backup;
  return {
    ...fields,
    links: links(at, 'backups', backup.id),
    object_count: backup.status === 'available' ? Math.max(1, backup.size) : 0,
    container: backup.status === 'available' ? backup.id : null,
    data_timestamp: backup.created_at,
    'os-bak-tenant-attr:tenant_id': at.projectId,
    service_metadata: JSON.stringify({ SP: `${backup.availability_zone}-pool`, Type: 0, progress: backup.status === 'available' ? '100' : '0' }),
    is_incremental: false,
    has_dependent_backups: false,
  };
}

export function volumeJson(volume: SimVolume, at: Place): Record<string, unknown> {
  const { statusBeforeBackup: _before, ...fields } = volume;
  return {
    ...fields,
    description: null,
    snapshot_id: null,
    multiattach: false,
    shareable: 'false',
    encrypted: false,
    metadata: {},
    service_type: 'EVS',
    replication_status: 'disabled',
    'os-vol-tenant-attr:tenant_id': at.projectId,
    links: links(at, 'cloudvolumes', volume.id),
  };
}

/** GET /v2/{pid}/cloudsnapshots/{id} (the SDK's SnapshotDetails). */
export function snapshotJson(snapshot: SimSnapshot, at: Place): Record<string, unknown> {
  return {
    ...snapshot,
    metadata: {},
    'os-extended-snapshot-attributes:project_id': at.projectId,
    'os-extended-snapshot-attributes:progress': snapshot.status === 'available' ? '100%' : '0%',
  };
}

/** An item of GET /v2/{pid}/cloudsnapshots/detail (the SDK's SnapshotList), which adds the service type. */
export function snapshotListItem(snapshot: SimSnapshot, at: Place): Record<string, unknown> {
  return { ...snapshotJson(snapshot, at), service_type: 'EVS' };
}

export function links(at: Place, collection: string, id: string): { href: string; rel: string }[] {
  return [
    { href: `${at.url}/v2/${at.projectId}/${collection}/${id}`, rel: 'self' },
    { href: `${at.url}/${at.projectId}/${collection}/${id}`, rel: 'bookmark' },
  ];
}
