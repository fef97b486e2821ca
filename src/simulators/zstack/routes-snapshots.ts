import { errorCode, ZStackApiError } from './errors.js';
import { queryByUuidApi } from './routes-query.js';
import { registerPath, type RestContext } from './rest.js';
import { volumeSnapshotShape } from './shapes.js';
import { completeSnapshot, creatingSnapshot, removeSubtree, subtreeOf } from './snapshots.js';
import { isZStackUuid } from './uuid.js';
import { requireFreeUuid, requireResource, validateParams, validateResourceUuid } from './validation.js';

/** CreateVolumeSnapshot and DeleteVolumeSnapshot (zstack.md §8.2). */

const HOUR = 3_600_000;

export function registerSnapshotRoutes(context: RestContext): void {
  const { state } = context;

  registerPath(context, '/volumes/{volumeUuid}/volume-snapshots', [
    {
      kind: 'async',
      api: 'CreateVolumeSnapshot',
      method: 'POST',
      timeoutMs: 3 * HOUR,
      schema: { inventory: volumeSnapshotShape },
      start: ({ params }) => {
        const resourceUuid = validateResourceUuid(params.resourceUuid);
        validateParams('org.zstack.header.volume.APICreateVolumeSnapshotMsg', params, {
          name: { maxLength: 255 },
          description: { required: false, maxLength: 2048 },
        });
        const volume = requireResource(state.volumes, 'volumeUuid', params.volumeUuid, 'VolumeVO');
        const uuid = resourceUuid ?? state.nextUuid('volume-snapshot');
        requireFreeUuid(state.snapshots, uuid);
        const snapshot = creatingSnapshot(state, volume, {
          uuid,
          name: String(params.name),
          ...(params.description != null && { description: String(params.description) }),
          at: state.now(),
        });
        state.putSnapshot(snapshot);
        return {
          complete: () => {
            completeSnapshot(state, snapshot, state.now());
            return { inventory: snapshot };
          },
          rollback: () => removeSubtree(state, [snapshot]),
        };
      },
    },
  ]);

  registerPath(context, '/volume-snapshots/{uuid}', [
    queryByUuidApi(context, '/volume-snapshots'),
    {
      kind: 'async',
      api: 'DeleteVolumeSnapshot',
      method: 'DELETE',
      timeoutMs: 6 * HOUR,
      paramTypes: { deleteMode: 'string' },
      start: ({ params }) => {
        const uuid = String(params.uuid);
        const snapshot = state.snapshots.get(uuid);
        if (!snapshot) {
          // successIfResourceNotExisting: a well-formed uuid of nothing is already deleted.
          if (!isZStackUuid(uuid)) throw new ZStackApiError(errorCode('SYS.1003', `invalid value[${uuid}] of field [uuid]`));
          return { immediate: true, complete: () => ({}) };
        }
        const subtree = subtreeOf(state, snapshot);
        const previous = subtree.map((member) => member.status);
        for (const member of subtree) {
          member.status = 'Deleting';
          state.putSnapshot(member);
        }
        return {
          complete: () => {
            removeSubtree(state, subtree);
            return {};
          },
          // A failed delete goes back: Deleting → Ready (VolumeSnapshotStatus).
          rollback: () =>
            subtree.forEach((member, index) => {
              member.status = previous[index]!;
              state.putSnapshot(member);
            }),
        };
      },
    },
  ]);
}
