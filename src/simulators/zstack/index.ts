import { SimulatorServer } from '../kit/index.js';
import { errorCode, type ZStackErrorCode } from './errors.js';
import { JobRunner } from './jobs.js';
import { notFound, registerJobQuery, type RestContext } from './rest.js';
import { registerAuthRoutes } from './routes-auth.js';
import { registerBackupRoutes } from './routes-backups.js';
import { registerQueryByUuidRoutes, registerQueryRoutes } from './routes-query.js';
import { registerRecoveryRoutes } from './routes-recovery.js';
import { registerSchedulerRoutes } from './routes-scheduler.js';
import { registerSnapshotRoutes } from './routes-snapshots.js';
import { runDueSchedules } from './scheduler.js';
import { applySeed } from './seed.js';
import { expireAllSessions } from './sessions.js';
import { ZStackState, type ZStackAsyncApi } from './state.js';
import { sha512Hex, uuidFor } from './uuid.js';

/**
 * A ZStack management node's REST API (zstack.md), served over HTTP at `<url>/v1/...`: sessions, async
 * jobs with polling and webhooks, the Query API, snapshots, volume and VM backups, scheduled backups.
 */

export { DEMO } from './seed.js';
export { JOB_LOCATION_BASE } from './rest.js';
export { WEBHOOK_ATTEMPTS } from './webhook.js';
export { ZStackJob, ZStackState } from './state.js';
export type { JobState, SessionRecord, StateChange, ZStackAsyncApi } from './state.js';
export type { ZStackErrorCode } from './errors.js';
export type * from './inventories.js';

export interface ZStackSimulatorOptions {
  accountName?: string;
  /** The clear password; the simulator stores and compares its sha512 hex, as ZStack does. */
  password?: string;
  /** How long async APIs stay running before they finish. */
  jobDurationMs?: number;
  /** Sliding session expiry. */
  sessionTimeoutMs?: number;
  seed?: 'demo' | 'empty';
  /** IANA zone in which dates are printed (ZStack prints server-local time without a zone). */
  timeZone?: string;
  /** The management node's clock (epoch ms) for dates, sessions and scheduled runs; the process clock by default. */
  now?: () => number;
  /** Pause between webhook attempts; a real server waits 2 s. */
  webhookRetryIntervalMs?: number;
}

export interface ZStackSimulator {
  /** The endpoint a client is configured with: `http://127.0.0.1:<port>/zstack`. */
  readonly url: string;
  readonly server: SimulatorServer;
  readonly state: ZStackState;
  /** The next `count` jobs of this API fail with this ZStack error (default SYS.1006 operation failed). */
  failNext(api: ZStackAsyncApi, error?: { code: string; description?: string; details: string }, count?: number): void;
  /** Runs the scheduler triggers whose fires passed since the last look, on `state.now`; answers how many backup jobs ran. */
  runSchedules(): number;
  /** Invalidates every session (the next authorized call answers ID.1001). */
  expireSessions(): void;
  close(): Promise<void>;
}

/** Backups and snapshots the REST API creates (not the seed's) are counted by name in the server's ledger. */
function recordCreations(server: SimulatorServer, state: ZStackState): void {
  const known = new Set([...state.volumeBackups.keys(), ...state.snapshots.keys()]);
  state.onChange((event) => {
    if (event.kind !== 'volumeBackup' && event.kind !== 'volumeSnapshot') return;
    if (event.change !== 'put' || known.has(event.uuid)) return;
    const created = event.kind === 'volumeBackup' ? state.volumeBackups.get(event.uuid) : state.snapshots.get(event.uuid);
    if (!created) return;
    known.add(event.uuid);
    server.recordCreation(event.kind === 'volumeBackup' ? 'backup' : 'snapshot', created.name);
  });
}

export async function startZStackSimulator(options: ZStackSimulatorOptions = {}): Promise<ZStackSimulator> {
  const accountName = options.accountName ?? 'admin';
  const state = new ZStackState(
    { uuid: uuidFor(`account/${accountName}`), name: accountName, passwordSha512: sha512Hex(options.password ?? 'password') },
    options.timeZone ?? 'Asia/Shanghai',
  );
  if (options.now) state.now = options.now;
  const seed = options.seed ?? 'demo';
  applySeed(state, seed);

  const server = new SimulatorServer({ name: 'zstack', notFound });
  const closing = new AbortController();
  const jobs = new JobRunner(server, state, {
    durationMs: options.jobDurationMs ?? 50,
    webhookRetryIntervalMs: options.webhookRetryIntervalMs ?? 2_000,
    signal: closing.signal,
  });
  const context: RestContext = { server, state, jobs, sessionTimeoutMs: options.sessionTimeoutMs ?? 7_200_000 };
  registerJobQuery(context);
  registerAuthRoutes(context);
  registerQueryRoutes(context);
  registerQueryByUuidRoutes(context);
  registerSnapshotRoutes(context);
  registerBackupRoutes(context);
  registerRecoveryRoutes(context);
  registerSchedulerRoutes(context);
  recordCreations(server, state);
  let scheduledUpTo = state.now();
  const runSchedules = () => runDueSchedules(state, scheduledUpTo, (scheduledUpTo = Math.max(scheduledUpTo, state.now())));
  const checkSchedules = () => (runSchedules(), server.later(30_000, checkSchedules));
  server.later(30_000, checkSchedules);
  server.onReset(() => {
    state.clear();
    applySeed(state, seed);
    scheduledUpTo = state.now();
    // A reset stops the server's timers: the scheduler starts again.
    server.later(30_000, checkSchedules);
  });

  const base = await server.listen();
  return {
    url: `${base}/zstack`,
    server,
    state,
    failNext(api, error, count = 1) {
      const failure: ZStackErrorCode = error
        ? errorCode(error.code, error.details, error.description)
        : errorCode('SYS.1006', `the simulator was told to fail the next ${api}`);
      const queue = state.pendingFailures.get(api) ?? [];
      for (let index = 0; index < count; index += 1) queue.push({ ...failure });
      state.pendingFailures.set(api, queue);
    },
    runSchedules,
    expireSessions() {
      expireAllSessions(state);
    },
    async close() {
      closing.abort();
      await server.close();
    },
  };
}
