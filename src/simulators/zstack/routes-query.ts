import { parseQueryParams, queryRequest, runQuery, type InventoryShape, type QueryRequest } from './query.js';
import { registerPath, type ApiCall, type RestContext, type SyncApi } from './rest.js';
import { backupStorageShape, vmInstanceShape, volumeBackupShape, volumeShape, volumeSnapshotShape } from './shapes.js';
import type { ZStackState } from './state.js';

/** The sync Query APIs (zstack.md §5): `GET /v1/<resources>` and `GET /v1/<resources>/{uuid}`. */

interface QueryResource {
  path: string;
  shape: InventoryShape;
  rows(state: ZStackState): object[];
}

const RESOURCES: QueryResource[] = [
  { path: '/volumes', shape: volumeShape, rows: (state) => [...state.volumes.values()] },
  { path: '/volume-snapshots', shape: volumeSnapshotShape, rows: (state) => [...state.snapshots.values()] },
  { path: '/volume-backups', shape: volumeBackupShape, rows: (state) => [...state.volumeBackups.values()] },
  { path: '/backup-storage', shape: backupStorageShape, rows: (state) => [...state.backupStorages.values()] },
  {
    path: '/vm-instances',
    shape: vmInstanceShape,
    // ZStack fills allVolumes from the volume table when it answers.
    rows: (state) =>
      [...state.vmInstances.values()].map((vm) => ({
        ...vm,
        allVolumes: [...state.volumes.values()].filter((volume) => volume.vmInstanceUuid === vm.uuid),
      })),
  },
];

function answer(context: RestContext, resource: QueryResource, call: ApiCall, request: QueryRequest): Record<string, unknown> {
  call.requireSession();
  return { ...runQuery(resource.rows(context.state), request, resource.shape, context.state.timeZone) };
}

/** The plain form of every Query API. */
export function registerQueryRoutes(context: RestContext): void {
  for (const resource of RESOURCES) {
    registerPath(context, resource.path, [
      {
        kind: 'sync',
        method: 'GET',
        query: true,
        schema: { inventories: resource.shape },
        // The query string is parsed before the message reaches the session check.
        run: (call) => answer(context, resource, call, parseQueryParams(call.request.query)),
      },
    ]);
  }
}

/**
 * The GET of `/{uuid}`: one `uuid=` condition, every other parameter ignored, 0 or 1 inventories. Where
 * a delete API shares the template, its routes module registers both.
 */
export function queryByUuidApi(context: RestContext, resourcePath: string): SyncApi {
  const resource = RESOURCES.find((candidate) => candidate.path === resourcePath);
  if (!resource) throw new Error(`no query resource ${resourcePath}`);
  return {
    kind: 'sync',
    method: 'GET',
    query: true,
    schema: { inventories: resource.shape },
    run: (call) => answer(context, resource, call, queryRequest([{ name: 'uuid', op: '=', value: call.vars.uuid ?? '' }])),
  };
}

/** The resources whose `/{uuid}` path has only the query API in this simulator. */
const QUERY_ONLY_UUID_PATHS = ['/volumes', '/backup-storage', '/vm-instances'];

export function registerQueryByUuidRoutes(context: RestContext): void {
  for (const path of QUERY_ONLY_UUID_PATHS) registerPath(context, `${path}/{uuid}`, [queryByUuidApi(context, path)]);
}
