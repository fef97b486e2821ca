import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseConfig } from '../../src/infrastructure/config.js';
import { decodeGlobalId, providerKeyOf, resourceGlobalId, splitJobLocalId } from '../../src/domain/ids.js';
import { isFinished } from '../../src/domain/job-progress.js';
import { createLogger } from '../../src/infrastructure/logger.js';
import { sha256Hex } from '../../src/providers/tenancy.js';
import { startTaurusDbSimulator } from '../../src/simulators/huawei/taurusdb/index.js';
import { startVbsSimulator } from '../../src/simulators/huawei/vbs/index.js';
import type { JobRecord } from '../../src/domain/provider.js';
import { DEMO, startZStackSimulator } from '../../src/simulators/zstack/index.js';
import { createGateway } from '../../src/server/gateway.js';
import { injectFaults } from './faults.js';
import { SourcePool } from './source-pool.js';

/**
 * The fault soak: mutations of every vendor (creates with idempotency keys, snapshot creates,
 * deletes of what earlier ones made) sent through a real gateway over HTTP while every simulator
 * fails about `faultRate` of its requests in every way it knows. Clients behave as real ones would:
 * an answer that may be transient is retried with the same idempotency key. Then it counts what
 * must never happen: uncaught errors, duplicates in the vendors' ledgers, jobs that never end.
 */

export interface SoakOptions {
  mutations: number;
  /** Clients sending at once. */
  concurrency?: number;
  faultRate?: number;
  /** Per-attempt upstream timeout of every provider; latency faults go past it. */
  timeoutMs?: number;
  /** How long a client waits for a job to end before counting it lost. */
  jobWaitMs?: number;
  /** Called every `every` mutations with the count so far. */
  progress?: (done: number) => void;
}

export interface SoakReport {
  mutations: number;
  durationMs: number;
  uncaughtExceptions: number;
  unhandledRejections: number;
  duplicates: [string, number][];
  vendorCreations: number;
  jobsNeverTerminal: number;
  lostJobsByOperation: Record<string, number>;
  jobsByStatus: Record<string, number>;
  /** Final answer of each mutation after the client's retries: OK or the error code. */
  outcomes: Record<string, number>;
  /** Every answer a client got, retries included. */
  answers: Record<string, number>;
  clientRetries: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  heapBeforeMb: number;
  heapAfterMb: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  logLines: Record<string, number>;
  logBytes: number;
  upstreamRequests: number;
  /** Upstream requests per finished mutation in each tenth of the run: flat when live state stays bounded. */
  requestsPerMutationByTenth: number[];
}

const TENANT = 'soak';
const API_KEY = 'key-soak';
const PROJECT = '5f0c2a8e9b7d4c1a8e6f3b2d1c0a9e8f';
const KEYS = { accessKey: 'SOAKAKSOAKAKSOAKAK01', secretKey: 'soak-secret-key-never-logged-0123456789' };
const CLIENT_ATTEMPTS = 8;
/**
 * A client's pause before attempt `attempt`: exponential with full jitter, capped, as well-behaved
 * clients retry. The attempts then span the circuit's 5 s open period, which a chance run of
 * consecutive faults opens now and then; without the backoff all 8 fell inside it.
 */
const backoffMs = (attempt: number) => Math.random() * Math.min(2_000, 25 * 2 ** attempt);
/** Answers a client retries with the same key: the gateway or the vendor may do better next time. */
const RETRIED = /^(UPSTREAM_|HTTP_|FETCH_FAILED|UNEXPECTED|VENDOR_5|VENDOR_401|VENDOR_429|VENDOR_NONE)/;

type Op = 'zstackBackup' | 'zstackSnapshot' | 'vbsBackup' | 'taurusBackup' | 'delete';
const OPS: Op[] = ['zstackBackup', 'zstackSnapshot', 'vbsBackup', 'taurusBackup', 'delete'];

const RESULT_FIELDS = `__typename
  ... on VendorError { vendorCode httpStatus }
  ... on ValidationError { rule }`;
const DOCUMENTS: Record<Op, string> = {
  zstackBackup: `mutation($input: CreateVolumeBackupInput!) { r: createVolumeBackup(input: $input) { ${RESULT_FIELDS} ... on CreateVolumeBackupSuccess { job { id } } } }`,
  vbsBackup: `mutation($input: CreateVolumeBackupInput!) { r: createVolumeBackup(input: $input) { ${RESULT_FIELDS} ... on CreateVolumeBackupSuccess { job { id } } } }`,
  zstackSnapshot: `mutation($input: CreateVolumeSnapshotInput!) { r: createVolumeSnapshot(input: $input) { ${RESULT_FIELDS} ... on CreateVolumeSnapshotSuccess { job { id } } } }`,
  taurusBackup: `mutation($input: CreateDatabaseBackupInput!) { r: createDatabaseBackup(input: $input) { ${RESULT_FIELDS} ... on CreateDatabaseBackupSuccess { job { id } } } }`,
  delete: `mutation($input: DeleteBackupInput!) { r: deleteBackup(input: $input) { ${RESULT_FIELDS} ... on DeleteBackupSuccess { job { id } } } }`,
};

/** After a full collection when the process runs with --expose-gc (npm run soak does), so the figures are live memory. */
function measureMemory(): NodeJS.MemoryUsage {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage();
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const concurrency = options.concurrency ?? 32;
  const faultRate = options.faultRate ?? 0.1;
  const timeoutMs = options.timeoutMs ?? 1_000;
  const jobWaitMs = options.jobWaitMs ?? 30_000;
  let uncaughtExceptions = 0;
  let unhandledRejections = 0;
  const onUncaught = () => (uncaughtExceptions += 1);
  const onUnhandled = () => (unhandledRejections += 1);
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUnhandled);

  const [zstack, vbs, taurus] = await Promise.all([
    startZStackSimulator({ password: 'soak-zstack-password', jobDurationMs: 20 }),
    startVbsSimulator({ projectId: PROJECT, credentials: [KEYS], jobDurationMs: 20, seed: 'empty', perDiskBackupLimit: 1_000_000 }),
    startTaurusDbSimulator({ projectId: PROJECT, credentials: KEYS, jobDurationMs: 20, seed: 'empty' }),
  ]);
  const simulators = [zstack.server, vbs.server, taurus.server];
  const key = (name: string) => providerKeyOf(TENANT, name);
  const sources = {
    zstack: new SourcePool([DEMO.vmWebRoot, DEMO.vmWebData, DEMO.vmDbRoot, DEMO.vmDbData, DEMO.vmDbLog, DEMO.spareData]),
    vbs: new SourcePool(Array.from({ length: 48 }, () => vbs.addVolume({ status: 'available' }).id)),
    taurus: new SourcePool(Array.from({ length: 48 }, (_, i) => taurus.state.addInstance({ name: `soak-db-${i}`, status: 'ACTIVE' }).id)),
  };
  const deletable: string[] = [];

  let logBytes = 0;
  const logLines: Record<string, number> = {};
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logBytes += chunk.length;
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        const entry = JSON.parse(line) as { level: number; msg: string };
        const label = `${entry.level}:${entry.msg}`;
        logLines[label] = (logLines[label] ?? 0) + 1;
      }
      callback();
    },
  });
  const env = { ZS_PASSWORD: 'soak-zstack-password', HW_AK: KEYS.accessKey, HW_SK: KEYS.secretKey };
  const huaweiAuth = { accessKey: { env: 'HW_AK' }, secretKey: { env: 'HW_SK' } };
  // The production default, a state file, in a directory of this run: the simulators start empty too.
  const dataDir = mkdtempSync(join(tmpdir(), 'backupgraph-soak-'));
  const config = parseConfig(
    {
      server: { port: 0, host: '127.0.0.1', requestDeadlineMs: timeoutMs * 3 },
      state: { dataDir },
      watcher: { minIntervalMs: 50, maxIntervalMs: 500 },
      upstream: { lostCreateGraceMs: 3_000 },
      // Every soak client shares one key: the per-key rate limit would measure itself, not the faults.
      rateLimits: { mutationsPerSecond: 100_000, costPerSecond: 10_000_000 },
      tenants: [
        {
          name: TENANT,
          apiKeys: [{ sha256: sha256Hex(API_KEY) }],
          providers: [
            { kind: 'zstack', name: 'zs', endpoint: zstack.url, accountName: 'admin', password: { env: 'ZS_PASSWORD' }, timeoutMs },
            { kind: 'huawei-vbs', name: 'vbs', endpoint: vbs.url, projectId: PROJECT, auth: huaweiAuth, timeoutMs },
            { kind: 'huawei-taurusdb', name: 'tdb', endpoint: taurus.url, projectId: PROJECT, auth: huaweiAuth, timeoutMs },
          ],
        },
      ],
    },
    env,
  );
  const gateway = await createGateway(config, { logger: createLogger({ level: 'info', destination }) });

  const outcomes: Record<string, number> = {};
  const answers: Record<string, number> = {};
  const jobsByStatus: Record<string, number> = {};
  const latencies: number[] = [];
  let clientRetries = 0;
  let jobsNeverTerminal = 0;
  const lostJobsByOperation: Record<string, number> = {};
  const count = (table: Record<string, number>, code: string) => (table[code] = (table[code] ?? 0) + 1);

  async function send(op: Op, input: Record<string, unknown>): Promise<{ code: string; jobId: string | null }> {
    const started = performance.now();
    try {
      const response = await fetch(gateway.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
        body: JSON.stringify({ query: DOCUMENTS[op], variables: { input } }),
      });
      const body = (await response.json()) as { data?: { r?: Record<string, unknown> }; errors?: { extensions?: { code?: string } }[] };
      if (!response.ok && !body.data) return { code: `HTTP_${response.status}`, jobId: null };
      const result = body.data?.r;
      if (!result) return { code: body.errors?.[0]?.extensions?.code ?? 'UNEXPECTED', jobId: null };
      if (typeof result.__typename === 'string' && result.__typename.endsWith('Success')) {
        return { code: 'OK', jobId: (result.job as { id: string }).id };
      }
      if (result.__typename === 'VendorError') {
        const vendorCode = result.vendorCode as string | null;
        if (vendorCode?.startsWith('UPSTREAM_')) return { code: vendorCode, jobId: null };
        return { code: `VENDOR_${result.httpStatus ?? 'NONE'}:${vendorCode ?? '-'}`, jobId: null };
      }
      return { code: `${result.__typename}:${(result.rule as string | undefined) ?? ''}`, jobId: null };
    } catch {
      return { code: 'FETCH_FAILED', jobId: null };
    } finally {
      latencies.push(performance.now() - started);
    }
  }

  async function waitForJob(jobGlobalId: string): Promise<JobRecord | null> {
    const local = splitJobLocalId(decodeGlobalId(jobGlobalId).id);
    if (!local) return null;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), jobWaitMs)));
    try {
      return await Promise.race([gateway.jobs.whenFinished(local.providerKey, local.vendorId), timeout]);
    } catch {
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  async function mutate(index: number): Promise<void> {
    let op = OPS[index % OPS.length]!;
    if (op === 'delete' && deletable.length === 0) op = 'zstackBackup';
    const pool = op === 'vbsBackup' ? sources.vbs : op === 'taurusBackup' ? sources.taurus : op === 'delete' ? null : sources.zstack;
    const source = pool ? await pool.acquire() : null;
    try {
      const name = `soak-${index}`;
      const idempotencyKey = `soak-key-${index}`;
      const input: Record<string, unknown> =
        op === 'zstackBackup'
          ? { volumeId: resourceGlobalId('Volume', key('zs'), source!), backupStorageId: resourceGlobalId('BackupStorage', key('zs'), DEMO.imageStoreMain), name, idempotencyKey }
          : op === 'zstackSnapshot'
            ? { volumeId: resourceGlobalId('Volume', key('zs'), source!), name, idempotencyKey }
            : op === 'vbsBackup'
              ? { volumeId: resourceGlobalId('Volume', key('vbs'), source!), name, idempotencyKey }
              : op === 'taurusBackup'
                ? { instanceId: resourceGlobalId('DatabaseInstance', key('tdb'), source!), name, idempotencyKey }
                : { id: deletable.splice(Math.floor(Math.random() * deletable.length), 1)[0]! };
      let answer = await send(op, input);
      count(answers, answer.code);
      for (let attempt = 2; attempt <= CLIENT_ATTEMPTS && RETRIED.test(answer.code); attempt += 1) {
        clientRetries += 1;
        await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
        answer = await send(op, input);
        count(answers, answer.code);
      }
      count(outcomes, answer.code);
      if (!answer.jobId) return;
      const job = await waitForJob(answer.jobId);
      if (!job || !isFinished(job.status)) {
        jobsNeverTerminal += 1;
        count(lostJobsByOperation, op);
        return;
      }
      count(jobsByStatus, job.error ? `${job.status} ${op} ${job.error.vendorCode ?? job.error.code}` : job.status);
      if (op !== 'delete' && op !== 'zstackSnapshot' && job.status === 'SUCCEEDED' && job.resource?.type === 'Backup') {
        deletable.push(resourceGlobalId('Backup', job.providerKey, job.resource.vendorId));
      }
    } finally {
      if (pool && source) pool.release(source);
    }
  }

  // The simulators live in this process: their request logs are counted and dropped as the run goes,
  // so that memory after the run is the gateway's (plus the simulators' own resources).
  let upstreamRequests = 0;
  for (const server of simulators) server.onRequest(() => (upstreamRequests += 1));
  const tenth = Math.max(1, Math.floor(options.mutations / 10));
  const requestsPerMutationByTenth: number[] = [];
  let requestsAtTenthStart = 0;
  const memoryBefore = measureMemory();
  const expireSessions = setInterval(() => zstack.expireSessions(), 1_000);
  injectFaults(zstack.server, 'zstack', faultRate, timeoutMs);
  injectFaults(vbs.server, 'huawei', faultRate, timeoutMs);
  injectFaults(taurus.server, 'huawei', faultRate, timeoutMs);

  const started = Date.now();
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < options.mutations) {
        await mutate(next++);
        done += 1;
        if (done % 500 === 0) for (const server of simulators) server.clearRequests();
        if (done % tenth === 0 && requestsPerMutationByTenth.length < 10) {
          requestsPerMutationByTenth.push(Math.round(((upstreamRequests - requestsAtTenthStart) / tenth) * 10) / 10);
          requestsAtTenthStart = upstreamRequests;
        }
        options.progress?.(done);
      }
    }),
  );
  const durationMs = Date.now() - started;
  clearInterval(expireSessions);
  for (const server of simulators) server.clearFaults();
  for (const server of simulators) server.clearRequests();
  const memoryAfter = measureMemory();
  const duplicates = simulators.flatMap((server) => server.duplicateCreations().map(([what, n]): [string, number] => [`${server.name}:${what}`, n]));
  const vendorCreations = simulators.reduce((sum, server) => sum + server.creationCount, 0);

  await gateway.close();
  rmSync(dataDir, { recursive: true, force: true });
  await Promise.all([zstack.close(), vbs.close(), taurus.close()]);
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUnhandled);

  latencies.sort((a, b) => a - b);
  const percentile = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0);
  const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
  return {
    mutations: options.mutations,
    durationMs,
    uncaughtExceptions,
    unhandledRejections,
    duplicates,
    vendorCreations,
    jobsNeverTerminal,
    lostJobsByOperation,
    jobsByStatus,
    outcomes,
    answers,
    clientRetries,
    rssBeforeMb: mb(memoryBefore.rss),
    rssAfterMb: mb(memoryAfter.rss),
    heapBeforeMb: mb(memoryBefore.heapUsed),
    heapAfterMb: mb(memoryAfter.heapUsed),
    latencyP50Ms: percentile(50),
    latencyP99Ms: percentile(99),
    logLines,
    logBytes,
    upstreamRequests,
    requestsPerMutationByTenth,
  };
}

/** The last tenth's upstream requests per mutation over the first's: 1.5 at most when vendor traffic does not grow with the run. */
export function requestGrowth(report: Pick<SoakReport, 'requestsPerMutationByTenth'>): number {
  const tenths = report.requestsPerMutationByTenth;
  return tenths.length < 2 ? 1 : tenths.at(-1)! / tenths[0]!;
}
