import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { sha256Hex } from '../src/core/tenancy.js';
import { startZStackSimulator, type ZStackSimulator } from '../src/providers/zstack/simulator/index.js';

/**
 * Live status fan-out: one gateway (its own process, as in production) with 1k, 5k and 10k
 * WebSocket subscribers to the same backup; the backup changes status in the ZStack simulator, the
 * watcher sees it once and every subscriber gets the event. Prints the change-to-delivery latency
 * (from when the watcher saw the change to when a subscriber's socket delivered it), the gateway's
 * memory per subscriber (RSS and JS heap, after a full GC), and upstream requests per minute against
 * the one-subscriber run. Everything runs on 127.0.0.1; each level is bounded in time.
 *
 * Knobs for investigating: BENCH_LEVELS=1000,2000 (subscriber counts), BENCH_GATEWAY_FLAGS="--cpu-prof"
 * (node flags of the gateway process), BENCH_HEAP_SNAPSHOT=/tmp/live (heap snapshots at each memory
 * reading). 10k subscribers hold 10k sockets in each process: `ulimit -n` must allow it.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LEVELS = (process.env.BENCH_LEVELS ?? '1000,5000,10000').split(',').map(Number);
const ROUNDS = 6;
/** One status change every this often, whatever the fan-out takes: upstream requests per minute compare like with like. */
const ROUND_EVERY_MS = 2_000;
const API_KEY = 'bench-live-status';
const PASSWORD = 'bench-zstack-password';
const CONNECT_BATCH = 250;
const ROUND_TIMEOUT_MS = 15_000;
const SUBSCRIPTION = 'subscription($ids: [ID!]) { backupStatusChanged(filter: { ids: $ids }) { backup { id status } previousStatus status occurredAt } }';

interface Subscriber {
  socket: WebSocket;
  /** Receipt times (ms since the epoch, sub-ms) and the event's `occurredAt`, per delivered event. */
  received: { at: number; occurredAt: number }[];
}

const now = () => performance.timeOrigin + performance.now();

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The graphql-transport-ws protocol by hand: one subscription per socket, as little client work as possible. */
function connect(url: string, ids: string[], onEvent: () => void): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    const subscriber: Subscriber = { socket, received: [] };
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${API_KEY}` } })));
    socket.on('message', (data) => {
      const at = now();
      const text = data.toString();
      if (text.startsWith('{"type":"connection_ack"')) {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SUBSCRIPTION, variables: { ids } } }));
        return;
      }
      const message = JSON.parse(text) as { type: string; payload?: { data?: { backupStatusChanged: { occurredAt: string } } } };
      if (message.type !== 'next' || !message.payload?.data) return;
      subscriber.received.push({ at, occurredAt: Date.parse(message.payload.data.backupStatusChanged.occurredAt) });
      // The first event is the current state: the subscription is live.
      if (subscriber.received.length === 1) resolve(subscriber);
      else onEvent();
    });
    socket.on('error', reject);
  });
}

interface Memory {
  rss: number;
  heapUsed: number;
}

/** The gateway in a child process (bench/live-status-gateway.ts), asked for memory after a full GC. */
async function startGateway(configPath: string): Promise<{ url: string; memory(): Promise<Memory>; stop(): Promise<void> }> {
  const flags = process.env.BENCH_GATEWAY_FLAGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...flags, '--expose-gc', '--import', 'tsx', 'bench/live-status-gateway.ts', configPath], {
    cwd: ROOT,
    env: { ...process.env, BENCH_ZSTACK_PASSWORD: PASSWORD },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const next = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (message: { type: string } & T) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        resolve(message);
      };
      child.on('message', onMessage);
      void exited.then(() => reject(new Error(`the gateway exited while the benchmark waited for ${type}`)));
    });
  const { url } = await next<{ url: string }>('listening');
  return {
    url,
    memory() {
      const answer = next<Memory>('memory');
      child.send({ type: 'memory' });
      return answer;
    },
    async stop() {
      child.send({ type: 'stop' });
      await exited;
    },
  };
}

interface LevelResult {
  subscribers: number;
  p50: number;
  p99: number;
  max: number;
  delivered: number;
  expected: number;
  rssPerSubscriber: number;
  heapPerSubscriber: number;
  upstreamPerMinute: number;
}

async function runLevel(sim: ZStackSimulator, configPath: string, backupUuid: string, count: number): Promise<LevelResult> {
  const gateway = await startGateway(configPath);
  const wsUrl = gateway.url.replace(/^http/, 'ws');
  const ids = [Buffer.from(`Backup:bench/zs:${backupUuid}`).toString('base64url')];
  const subscribers: Subscriber[] = [];
  try {
    // Settle before measuring the baseline memory: the first request compiles and warms everything.
    await connect(wsUrl, ids, () => undefined).then((s) => s.socket.close());
    const baseline = await gateway.memory();

    let pending = 0;
    let roundDone: (() => void) | null = null;
    const onEvent = () => {
      pending -= 1;
      if (pending === 0) roundDone?.();
    };
    for (let start = 0; start < count; start += CONNECT_BATCH) {
      const batch = Array.from({ length: Math.min(CONNECT_BATCH, count - start) }, () => connect(wsUrl, ids, onEvent));
      subscribers.push(...(await Promise.all(batch)));
    }
    const loaded = await gateway.memory();

    const backup = sim.state.volumeBackups.get(backupUuid)!;
    const requestsBefore = sim.server.requests().length;
    const startedAt = now();
    for (let round = 0; round < ROUNDS; round += 1) {
      const roundStart = now();
      pending = count;
      const done = new Promise<void>((resolve, reject) => {
        roundDone = resolve;
        setTimeout(() => reject(new Error(`round ${round}: ${pending} of ${count} subscribers got nothing in ${ROUND_TIMEOUT_MS} ms`)), ROUND_TIMEOUT_MS).unref();
      });
      // The vendor's backup changes status; the watcher sees it at its next poll and publishes it once.
      backup.status = backup.status === 'Ready' ? 'Creating' : 'Ready';
      await done;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, roundStart + ROUND_EVERY_MS - now())));
    }
    const elapsedMs = now() - startedAt;
    const upstream = sim.server.requests().length - requestsBefore;

    const latencies = subscribers.flatMap((s) => s.received.slice(1).map((event) => event.at - event.occurredAt)).sort((a, b) => a - b);
    return {
      subscribers: count,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1)!,
      delivered: latencies.length,
      expected: count * ROUNDS,
      rssPerSubscriber: (loaded.rss - baseline.rss) / count,
      heapPerSubscriber: (loaded.heapUsed - baseline.heapUsed) / count,
      upstreamPerMinute: (upstream / elapsedMs) * 60_000,
    };
  } finally {
    for (const subscriber of subscribers) subscriber.socket.terminate();
    await gateway.stop();
  }
}

/** Upstream requests per minute with one subscriber, over the same rounds: the reference for every level. */
async function oneSubscriberUpstream(sim: ZStackSimulator, configPath: string, backupUuid: string): Promise<number> {
  return (await runLevel(sim, configPath, backupUuid, 1)).upstreamPerMinute;
}

export async function benchLiveStatus(): Promise<void> {
  const sim = await startZStackSimulator({ password: PASSWORD, seed: 'demo' });
  const dir = mkdtempSync(join(tmpdir(), 'backupgraph-bench-'));
  const configPath = join(dir, 'gateway.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      server: { port: 0, host: '127.0.0.1', graphiql: false },
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
  const backupUuid = [...sim.state.volumeBackups.keys()][0]!;
  try {
    console.log('\nLive status fan-out (one gateway process, WebSocket subscribers to one backup, one change per round)');
    const reference = await oneSubscriberUpstream(sim, configPath, backupUuid);
    console.log(`upstream requests/min with 1 subscriber: ${reference.toFixed(0)}`);
    console.log('subscribers | delivered      | p50 ms | p99 ms | max ms | RSS/subscriber KB | heap/subscriber KB | upstream req/min');
    for (const count of LEVELS) {
      const result = await runLevel(sim, configPath, backupUuid, count);
      console.log(
        [
          String(result.subscribers).padStart(11),
          `${result.delivered}/${result.expected}`.padEnd(14),
          result.p50.toFixed(1).padStart(6),
          result.p99.toFixed(1).padStart(6),
          result.max.toFixed(1).padStart(6),
          (result.rssPerSubscriber / 1024).toFixed(1).padStart(17),
          (result.heapPerSubscriber / 1024).toFixed(1).padStart(18),
          result.upstreamPerMinute.toFixed(0).padStart(16),
        ].join(' | '),
      );
    }
    console.log('targets: 10k subscribers, p99 <= 100 ms, <= 20 KB per subscriber, upstream requests as with 1 subscriber');
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchLiveStatus();
