import { RESTDataSource, type AugmentedRequest } from '@apollo/datasource-rest';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import DataLoader from 'dataloader';
import {
  backupFields,
  backupsPath,
  byUuidsPath,
  logIn,
  namedNode,
  providerNode,
  type BackupRow,
  type NamedRow,
  type PeerSettings,
} from './zstack-dashboard.js';

/**
 * Apollo Server 5 with a RESTDataSource per request, written the way Apollo's docs teach it. With
 * BENCH_PEER_MODE=dataloader the data source batches volume and storage lookups with per-request
 * DataLoaders into `uuid?=` queries; otherwise each reference is one GET by uuid (RESTDataSource
 * still deduplicates repeated GETs within a request).
 */

const settings = JSON.parse(process.env.BENCH_PEER!) as PeerSettings;
const batching = process.env.BENCH_PEER_MODE === 'dataloader';
const session = await logIn(settings);

const typeDefs = `#graphql
  scalar DateTime
  scalar SafeInt
  enum BackupKind { VOLUME DATABASE }
  enum BackupStatus { CREATING AVAILABLE FAILED DELETING DELETED RESTORING UNKNOWN }
  enum ProviderKind { ZSTACK HUAWEI_VBS HUAWEI_TAURUSDB }
  input BackupFilter { kinds: [BackupKind!] statuses: [BackupStatus!] nameContains: String }
  type Provider { id: ID! name: String! kind: ProviderKind! }
  type Volume { id: ID! name: String }
  type DatabaseInstance { id: ID! name: String engine: String }
  union BackupSource = Volume | DatabaseInstance
  type BackupStorage { id: ID! name: String! }
  type BackupStorageRef { installPath: String backupStorage: BackupStorage! }
  type BackupGroup { id: ID! }
  type Backup {
    id: ID! name: String! kind: BackupKind! status: BackupStatus! vendorStatus: String! sizeBytes: SafeInt createdAt: DateTime
    provider: Provider! volume: Volume source: BackupSource storageRefs: [BackupStorageRef!]! group: BackupGroup
  }
  type BackupEdge { cursor: String! node: Backup }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type BackupConnection { edges: [BackupEdge!]! pageInfo: PageInfo! }
  type Query { backups(first: Int, after: String, filter: BackupFilter): BackupConnection! }
`;

class ZStackAPI extends RESTDataSource {
  override baseURL = `${settings.zstackUrl}/v1/`;

  override willSendRequest(_path: string, request: AugmentedRequest) {
    request.headers.authorization = `OAuth ${session}`;
  }

  async backups(limit: number): Promise<BackupRow[]> {
    return (await this.get<{ inventories: BackupRow[] }>(backupsPath(limit))).inventories;
  }

  private byUuids(resource: string) {
    return new DataLoader<string, NamedRow | undefined>(async (uuids) => {
      const rows = (await this.get<{ inventories: NamedRow[] }>(byUuidsPath(resource, uuids))).inventories;
      const byUuid = new Map(rows.map((row) => [row.uuid, row]));
      return uuids.map((uuid) => byUuid.get(uuid));
    });
  }

  private readonly volumes = this.byUuids('volumes');
  private readonly storages = this.byUuids('backup-storage');

  async volume(uuid: string): Promise<NamedRow | undefined> {
    if (batching) return this.volumes.load(uuid);
    return (await this.get<{ inventories: NamedRow[] }>(`volumes/${uuid}`)).inventories[0];
  }

  async storage(uuid: string): Promise<NamedRow | undefined> {
    if (batching) return this.storages.load(uuid);
    return (await this.get<{ inventories: NamedRow[] }>(`backup-storage/${uuid}`)).inventories[0];
  }
}

interface Context {
  dataSources: { zstack: ZStackAPI };
}

type BackupParent = ReturnType<typeof backupFields> & { row: BackupRow };

const resolvers = {
  Query: {
    async backups(_: unknown, args: { first?: number }, { dataSources }: Context) {
      const first = args.first ?? 20;
      const rows = await dataSources.zstack.backups(first + 1);
      const edges = rows.slice(0, first).map((row) => {
        const node: BackupParent = { ...backupFields(row, settings), row };
        return { cursor: node.cursor, node };
      });
      return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
    },
  },
  Backup: {
    provider: () => providerNode(settings),
    async volume(backup: BackupParent, _: unknown, { dataSources }: Context) {
      return backup.row.volumeUuid ? namedNode('Volume', await dataSources.zstack.volume(backup.row.volumeUuid), settings) : null;
    },
    async source(backup: BackupParent, _: unknown, { dataSources }: Context) {
      return backup.row.volumeUuid ? namedNode('Volume', await dataSources.zstack.volume(backup.row.volumeUuid), settings) : null;
    },
    storageRefs: (backup: BackupParent) => backup.row.backupStorageRefs ?? [],
  },
  BackupStorageRef: {
    installPath: (ref: { installPath?: string }) => ref.installPath ?? null,
    async backupStorage(ref: { backupStorageUuid?: string }, _: unknown, { dataSources }: Context) {
      const row = await dataSources.zstack.storage(ref.backupStorageUuid ?? '');
      return { ...namedNode('BackupStorage', row, settings), name: row?.name ?? '' };
    },
  },
  BackupSource: { __resolveType: () => 'Volume' },
};

const server = new ApolloServer<Context>({ typeDefs, resolvers });
const { url } = await startStandaloneServer(server, {
  listen: { port: 0, host: '127.0.0.1' },
  context: async () => ({ dataSources: { zstack: new ZStackAPI({ cache: server.cache }) } }),
});
process.send!({ url });
