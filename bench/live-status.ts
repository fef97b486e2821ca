import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { sha256Hex } from '../src/providers/tenancy.js';
import { startZStackSimulator, type ZStackSimulator } from '../src/simulators/zstack/index.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { buildForBench, cpuMs } from './support/processes.js';

/**
 * Live status fan-out: 1k, 5k and 10k WebSocket subscribers to the same backup, against backupgraph,
 * against its peer, a plain graphql-yoga + graphql-ws server (bench/live-status-peer.ts), and against
 * the floor, a bare `ws` server that only writes one pre-built frame per socket per change
 * (bench/live-status-floor.ts): what no fan-out can go below on this machine at this moment. Each
 * server runs in a process of its own and the subscribers in this one. In backupgraph the backup changes
 * status in the ZStack simulator and the watcher sees it once; in the peer a mutation publishes the
 * change (in the floor, a POST). Latency runs from when the server saw the change (the event's `occurredAt`) to when a
 * subscriber's socket delivered it. The servers take turns level by level, pass after pass, so that
 * all meet the same load from the other tenants of the machine. Also printed: each server's
 * RSS per subscriber (after a full GC) and backupgraph's upstream requests per minute against the
 * one-subscriber run. Every level is bounded in time.
 *
 * Knobs: BENCH_LEVELS=1000,2000 (subscriber counts), BENCH_PASSES=2, BENCH_PROFILE_DIR=/tmp/p (a CPU
 * profile of each run's delivery rounds), BENCH_GATEWAY_FLAGS="--cpu-prof" (node flags of the server
 * processes), BENCH_HEAP_SNAPSHOT=/tmp/live (heap snapshots at each memory reading), BENCH_TARGETS=backupgraph
 * (only backupgraph; default backupgraph,peer,floor). 10k subscribers
 * hold 10k sockets in each process: `ulimit -n` must allow it.
 */

const LEVELS = (process.env.BENCH_LEVELS ?? '1000,5000,10000').split(',').map(Number);
const PASSES = Number(process.env.BENCH_PASSES ?? 2);
/** BENCH_TARGETS=backupgraph measures backupgraph alone (no peer or floor columns). */
const TARGETS = (process.env.BENCH_TARGETS ?? 'backupgraph,peer,floor').split(',');
const ROUNDS = 6;
/** One status change every this often, whatever the fan-out takes: upstream requests per minute compare like with like. */
const ROUND_EVERY_MS = 2_000;
const API_KEY = 'bench-live-status';
const PASSWORD = 'bench-zstack-password';
const CONNECT_BATCH = 250;
const ROUND_TIMEOUT_MS = 15_000;
const SUBSCRIPTION = 'subscription($ids: [ID!]) { backupStatusChanged(filter: { ids: $ids }) { backup { id status } previousStatus status occurredAt } }';

/** A server under test: how to start it, what id to watch, how to change that backup's status. */
interface Target {
  name: string;
  start(): Promise<ServerProcess>;
  watchedId: string;
  change(server: ServerProcess): Promise<void>;
  /** Upstream requests so far, where the server has an upstream. */
  upstreamRequests?(): number;
}

interface Subscriber {
  socket: WebSocket;
  /** The first event's receipt: the current state, which makes the subscription live. */
  live: boolean;
  /** Each later message as it came and when (ms since the epoch, sub-ms): read after the rounds. */
  arrivals: { at: number; data: WebSocket.RawData }[];
}

const now = () => performance.timeOrigin + performance.now();

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * The graphql-transport-ws protocol by hand: one subscription per socket, as little client work as
 * possible. Once live, a message is only timed and kept; it is parsed after the rounds, so that the
 * ten thousand sockets' parsing in this one process does not delay the timing of those behind.
 */
function connect(url: string, id: string, onEvent: () => void): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    const subscriber: Subscriber = { socket, live: false, arrivals: [] };
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${API_KEY}` } })));
    socket.on('message', (data) => {
      if (subscriber.live) {
        subscriber.arrivals.push({ at: now(), data });
        return onEvent();
      }
      const text = data.toString();
      if (text.startsWith('{"type":"connection_ack"')) {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SUBSCRIPTION, variables: { ids: [id] } } }));
        return;
      }
      // The first event is the current state: the subscription is live.
      if (occurredAt(data) === null) return;
      subscriber.live = true;
      resolve(subscriber);
    });
    socket.on('error', reject);
  });
}

/** When the event a `next` message carries occurred, or null for any other message. */
function occurredAt(data: WebSocket.RawData): number | null {
  const message = JSON.parse(data.toString()) as { type: string; payload?: { data?: { backupStatusChanged: { occurredAt: string } } } };
  if (message.type !== 'next' || !message.payload?.data) return null;
  return Date.parse(message.payload.data.backupStatusChanged.occurredAt);
}

/** Latency of each event a subscriber got after its current state; a message that is no event counts as none delivered. */
function latenciesOf(subscriber: Subscriber): number[] {
  return subscriber.arrivals.flatMap(({ at, data }) => {
    const occurred = occurredAt(data);
    return occurred === null ? [] : [at - occurred];
  });
}

interface LevelResult {
  subscribers: number;
  p50: number;
  p99: number;
  max: number;
  delivered: number;
  expected: number;
  rssPerSubscriber: number;
  /** JS heap (after a full GC) per subscriber: the part of RSS the gateway's own objects make. */
  heapPerSubscriber: number;
  /** Server CPU (user + system) over the delivery rounds per delivered event, µs: the watcher's polls included. */
  cpuUsPerDelivery: number;
  /** This process's CPU over the rounds per delivered event, µs: the subscribers' side, near the server's means the client bounds latency too. */
  clientUsPerDelivery: number;
  upstreamPerMinute: number | null;
}

async function runLevel(target: Target, count: number, profileName?: string): Promise<LevelResult> {
  const server = await target.start();
  const wsUrl = server.url.replace(/^http/, 'ws');
  const subscribers: Subscriber[] = [];
  try {
    // Settle before measuring the baseline memory: the first request compiles and warms everything.
    await connect(wsUrl, target.watchedId, () => undefined).then((s) => s.socket.close());
    const baseline = await server.memory();

    let pending = 0;
    let roundDone: (() => void) | null = null;
    const onEvent = () => {
      pending -= 1;
      if (pending === 0) roundDone?.();
    };
    for (let start = 0; start < count; start += CONNECT_BATCH) {
      const batch = Array.from({ length: Math.min(CONNECT_BATCH, count - start) }, () => connect(wsUrl, target.watchedId, onEvent));
      subscribers.push(...(await Promise.all(batch)));
    }
    const loaded = await server.memory();

    if (profileName) await server.startProfile();
    const requestsBefore = target.upstreamRequests?.();
    const cpuBefore = cpuMs(server.pid);
    const clientBefore = process.cpuUsage();
    const startedAt = now();
    for (let round = 0; round < ROUNDS; round += 1) {
      const roundStart = now();
      pending = count;
      const done = new Promise<void>((resolve, reject) => {
        roundDone = resolve;
        setTimeout(() => reject(new Error(`${target.name} round ${round}: ${pending} of ${count} subscribers got nothing in ${ROUND_TIMEOUT_MS} ms`)), ROUND_TIMEOUT_MS).unref();
      });
      await target.change(server);
      await done;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, roundStart + ROUND_EVERY_MS - now())));
    }
    const elapsedMs = now() - startedAt;
    const cpuSpentMs = cpuMs(server.pid) - cpuBefore;
    const client = process.cpuUsage(clientBefore);
    const upstream = requestsBefore === undefined ? null : target.upstreamRequests!() - requestsBefore;
    if (profileName) await server.stopProfile(profileName);

    const latencies = subscribers.flatMap(latenciesOf).sort((a, b) => a - b);
    return {
      subscribers: count,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1)!,
      delivered: latencies.length,
      expected: count * ROUNDS,
      rssPerSubscriber: (loaded.rss - baseline.rss) / count,
      heapPerSubscriber: (loaded.heapUsed - baseline.heapUsed) / count,
      cpuUsPerDelivery: (cpuSpentMs * 1_000) / latencies.length,
      clientUsPerDelivery: (client.user + client.system) / latencies.length,
      upstreamPerMinute: upstream === null ? null : (upstream / elapsedMs) * 60_000,
    };
  } finally {
    for (const subscriber of subscribers) subscriber.socket.terminate();
    await server.stop();
  }
}

function backupgraphTarget(sim: ZStackSimulator, configPath: string): Target {
  const backupUuid = [...sim.state.volumeBackups.keys()][0]!;
  return {
    name: 'backupgraph',
    start: () => startServerProcess('bench/live-status-gateway.ts', [configPath], { BENCH_ZSTACK_PASSWORD: PASSWORD }),
    watchedId: Buffer.from(`Backup:bench/zs:${backupUuid}`).toString('base64url'),
    // The vendor's backup changes status; the watcher sees it at its next poll and publishes it once.
    async change() {
      const backup = sim.state.volumeBackups.get(backupUuid)!;
      backup.status = backup.status === 'Ready' ? 'Creating' : 'Ready';
    },
    upstreamRequests: () => sim.server.requests().length,
  };
}

async function post(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
}

function peerTarget(): Target {
  let status = 'READY';
  return {
    name: 'yoga+graphql-ws',
    start: () => startServerProcess('bench/live-status-peer.ts', []),
    watchedId: 'backup-1',
    async change(server) {
      status = status === 'READY' ? 'CREATING' : 'READY';
      await post(server.url, { query: `mutation { setBackupStatus(id: "backup-1", status: ${status}) { id } }` });
    },
  };
}

function floorTarget(): Target {
  return {
    name: 'ws floor',
    start: () => startServerProcess('bench/live-status-floor.ts', []),
    watchedId: 'backup-1',
    change: (server) => post(server.url, {}),
  };
}

function row(name: string, pass: number, result: LevelResult, peer?: LevelResult, floor?: LevelResult): string {
  return [
    String(result.subscribers).padStart(11),
    String(pass).padStart(4),
    name.padEnd(15),
    `${result.delivered}/${result.expected}`.padEnd(13),
    result.p50.toFixed(1).padStart(7),
    result.p99.toFixed(1).padStart(7),
    result.max.toFixed(1).padStart(7),
    (result.rssPerSubscriber / 1024).toFixed(1).padStart(11),
    (result.heapPerSubscriber / 1024).toFixed(1).padStart(12),
    result.cpuUsPerDelivery.toFixed(1).padStart(13),
    result.clientUsPerDelivery.toFixed(1).padStart(13),
    (result.upstreamPerMinute === null ? '-' : result.upstreamPerMinute.toFixed(0)).padStart(16),
    (peer ? `${(result.p99 / peer.p99).toFixed(2)}` : '').padStart(11),
    (floor ? `${(result.p99 / floor.p99).toFixed(2)}` : '').padStart(12),
  ].join(' | ');
}

export async function benchLiveStatus(): Promise<void> {
  buildForBench();
  const sim = await startZStackSimulator({ password: PASSWORD, seed: 'demo' });
  const dir = mkdtempSync(join(tmpdir(), 'backupgraph-bench-'));
  const configPath = join(dir, 'gateway.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      server: { port: 0, host: '127.0.0.1', graphiql: false },
      // The production default, a state file, in this run's directory (the simulator starts empty too).
      state: { dataDir: join(dir, 'data') },
      watcher: { minIntervalMs: 250, maxIntervalMs: 1_000 },
      // One key holds every subscriber here: the per-key budgets are raised to the level measured.
      subscriptions: { maxPerSocket: 10, maxPerKey: 100_000, maxSocketsPerKey: 100_000 },
      tenants: [
        {
          name: 'bench',
          apiKeys: [{ sha256: sha256Hex(API_KEY) }],
          providers: [{ kind: 'zstack', name: 'zs', endpoint: sim.url, accountName: 'admin', password: { env: 'BENCH_ZSTACK_PASSWORD' } }],
        },
      ],
    }),
  );
  const backupgraph = backupgraphTarget(sim, configPath);
  const peer = peerTarget();
  const floor = floorTarget();
  const profile = (name: string, count: number, pass: number) => (process.env.BENCH_PROFILE_DIR ? `${name}-${count}-pass${pass}` : undefined);
  try {
    console.log('\nLive status fan-out (each server in its own process, WebSocket subscribers to one backup, one change per round)');
    const reference = (await runLevel(backupgraph, 1)).upstreamPerMinute!;
    console.log(`backupgraph upstream requests/min with 1 subscriber: ${reference.toFixed(0)}`);
    console.log('subscribers | pass | server          | delivered     | p50 ms  | p99 ms  | max ms  | RSS/sub KB  | heap/sub KB  | CPU µs/event  | client µs/ev  | upstream req/min | p99 / peer  | p99 / floor');
    for (const count of LEVELS) {
      for (let pass = 1; pass <= PASSES; pass += 1) {
        // Who goes first alternates, so that none always meets the machine as another left it.
        const targets = [backupgraph, peer, floor].filter((_, index) => TARGETS.includes(['backupgraph', 'peer', 'floor'][index]!));
        const order = pass % 2 === 1 ? targets : targets.reverse();
        const results = new Map<Target, LevelResult>();
        for (const target of order) results.set(target, await runLevel(target, count, profile(target.name.replace(/\W+/g, '-'), count, pass)));
        console.log(row(backupgraph.name, pass, results.get(backupgraph)!, results.get(peer), results.get(floor)));
        if (results.has(peer)) console.log(row(peer.name, pass, results.get(peer)!, undefined, results.get(floor)));
        if (results.has(floor)) console.log(row(floor.name, pass, results.get(floor)!));
      }
    }
    console.log('targets: 10k: all delivered, p99 <= 200 ms and <= 1/3 of the peer, <= 16 KB RSS/subscriber, upstream as with 1 subscriber; 1k: p99 <= 40 ms');
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchLiveStatus();
