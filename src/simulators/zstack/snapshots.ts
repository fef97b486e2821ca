import type { VolumeInventory, VolumeSnapshotInventory } from './inventories.js';
import type { ZStackState } from './state.js';
import { uuidFor } from './uuid.js';

/**
 * Snapshot trees per volume (zstack.md §8.2): a new snapshot joins the volume's current tree under its
 * latest snapshot; deleting one removes its whole subtree.
 */

/** A deterministic, plausible size for a snapshot: the delta an incremental qcow2 snapshot holds. */
export function snapshotSizeOf(snapshotUuid: string): number {
  return ((parseInt(snapshotUuid.slice(0, 6), 16) % 496) + 16) * 1024 * 1024;
}

export function creatingSnapshot(
  state: ZStackState,
  volume: VolumeInventory,
  row: { uuid: string; name: string; description?: string; at: number },
): VolumeSnapshotInventory {
  let tree = [...state.snapshotTrees.values()].find((candidate) => candidate.volumeUuid === volume.uuid && candidate.current);
  if (!tree) {
    tree = { uuid: uuidFor(`snapshot-tree/${row.uuid}`), volumeUuid: volume.uuid, current: true };
    state.snapshotTrees.set(tree.uuid, tree);
  }
  const treeUuid = tree.uuid;
  const parent = [...state.snapshots.values()].find((snapshot) => snapshot.treeUuid === treeUuid && snapshot.latest);
  const date = state.date(row.at);
  return {
    uuid: row.uuid,
    name: row.name,
    ...(row.description !== undefined && { description: row.description }),
    type: 'Hypervisor',
    volumeUuid: volume.uuid,
    treeUuid,
    ...(parent && { parentUuid: parent.uuid }),
    primaryStorageUuid: volume.primaryStorageUuid,
    primaryStorageInstallPath: `${volume.installPath.replace(/[^/]+$/, '')}snapshots/${row.uuid}.qcow2`,
    volumeType: volume.type,
    format: volume.format,
    latest: false,
    size: 0,
    distance: parent ? parent.distance + 1 : 0,
    state: 'Enabled',
    status: 'Creating',
    createDate: date,
    lastOpDate: date,
    backupStorageRefs: [],
  };
}

/** Creating → Ready: the snapshot becomes the latest of its tree. */
export function completeSnapshot(state: ZStackState, snapshot: VolumeSnapshotInventory, at: number): void {
  const date = state.date(at);
  for (const other of state.snapshots.values()) {
    if (other.treeUuid === snapshot.treeUuid && other.latest && other.uuid !== snapshot.uuid) {
      other.latest = false;
      other.lastOpDate = date;
    }
  }
  snapshot.status = 'Ready';
  snapshot.latest = true;
  snapshot.size = snapshotSizeOf(snapshot.uuid);
  snapshot.lastOpDate = date;
  state.putSnapshot(snapshot);
}

/** The snapshot and all its descendants, parents before children. */
export function subtreeOf(state: ZStackState, root: VolumeSnapshotInventory): VolumeSnapshotInventory[] {
  const subtree = [root];
  for (let index = 0; index < subtree.length; index += 1) {
    const parentUuid = subtree[index]!.uuid;
    subtree.push(...[...state.snapshots.values()].filter((snapshot) => snapshot.parentUuid === parentUuid));
  }
  return subtree;
}

/** Removes a subtree; when it held the latest snapshot, the removed root's parent becomes the latest [I]. */
export function removeSubtree(state: ZStackState, subtree: VolumeSnapshotInventory[]): void {
  const root = subtree[0]!;
  const heldLatest = subtree.some((snapshot) => snapshot.latest);
  for (const snapshot of subtree) state.removeSnapshot(snapshot.uuid);
  const parent = root.parentUuid ? state.snapshots.get(root.parentUuid) : undefined;
  if (heldLatest && parent) {
    parent.latest = true;
    parent.lastOpDate = state.date();
    state.putSnapshot(parent);
  }
  if (![...state.snapshots.values()].some((snapshot) => snapshot.treeUuid === root.treeUuid)) state.snapshotTrees.delete(root.treeUuid);
}
