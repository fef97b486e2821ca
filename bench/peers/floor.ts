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
 * and storages in parallel) with no GraphQL at all. Any POST gets the dashboard of `variables.first`;
 * over IPC, the same calls run with no server in front (`race`).
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
/**
 * The floor with no server in front, as the issue that set the goals defines it: `connections`
 * loops in this process, each computing one dashboard of `first` backups (and its JSON) after the
 * other, for `seconds` (or `count` dashboards per loop). Answers each dashboard's latency in ms.
 */
async function race({ first, connections, seconds, count }: { first: number; connections: number; seconds?: number; count?: number }) {
  const latencies: number[] = [];
  let failures = 0;
  const until = performance.now() + (seconds ?? 0) * 1000;
  const loop = async () => {
    for (let made = 0; count === undefined ? performance.now() < until : made < count; made += 1) {
      const started = performance.now();
      try {
        JSON.stringify({ data: await dashboard(first) });
        latencies.push(performance.now() - started);
      } catch {
        failures += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  return { latencies, failures };
}

process.on('message', (message: { race?: Parameters<typeof race>[0]; dashboard?: number }) => {
  if (message.race) void race(message.race).then((answer) => process.send!(answer));
  else if (message.dashboard) void dashboard(message.dashboard).then((data) => process.send!({ data }));
});

server.listen(0, '127.0.0.1', () => process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql` }));
