import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import {
  backupFields,
  backupsPath,
  byUuidsPath,
  logIn,
  namedNode,
  providerNode,
  referencedUuids,
  type BackupRow,
  type NamedRow,
  type PeerSettings,
} from './zstack-dashboard.js';

/**
 * The floor: the dashboard's JSON from three hand-written ZStack calls (the page, then its volumes
 * and storages in parallel) with no GraphQL at all. Any POST gets the dashboard of `variables.first`.
 */

const settings = JSON.parse(process.env.BENCH_PEER!) as PeerSettings;
const session = await logIn(settings);
const headers = { authorization: `OAuth ${session}` };

async function get<T>(path: string): Promise<T[]> {
  const response = await request(`${settings.zstackUrl}/v1/${path}`, { headers });
  const body = (await response.body.json()) as { inventories?: T[] };
  return body.inventories ?? [];
}

async function dashboard(first: number) {
  const rows = await get<BackupRow>(backupsPath(first + 1));
  const page = rows.slice(0, first);
  const { volumes, storages } = referencedUuids(page);
  const [volumeRows, storageRows] = await Promise.all([get<NamedRow>(byUuidsPath('volumes', volumes)), get<NamedRow>(byUuidsPath('backup-storage', storages))]);
  const volumeByUuid = new Map(volumeRows.map((row) => [row.uuid, row]));
  const storageByUuid = new Map(storageRows.map((row) => [row.uuid, row]));
  const provider = providerNode(settings);
  const edges = page.map((row) => {
    const { cursor, ...fields } = backupFields(row, settings);
    const volume = namedNode('Volume', row.volumeUuid ? volumeByUuid.get(row.volumeUuid) : undefined, settings);
    return {
      cursor,
      node: {
        ...fields,
        provider,
        volume,
        source: volume && { __typename: 'Volume', ...volume },
        storageRefs: (row.backupStorageRefs ?? []).map((ref) => {
          const storage = storageByUuid.get(ref.backupStorageUuid ?? '');
          return { installPath: ref.installPath ?? null, backupStorage: { ...namedNode('BackupStorage', storage, settings)!, name: storage?.name ?? '' } };
        }),
      },
    };
  });
  return { backups: { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } } };
}

const server = http.createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (body += chunk));
  req.on('end', () => {
    const first = (JSON.parse(body) as { variables?: { first?: number } }).variables?.first ?? 50;
    dashboard(first).then(
      (data) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data }));
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      },
    );
  });
});
server.listen(0, '127.0.0.1', () => process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql` }));
