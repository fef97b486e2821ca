import pLimit from 'p-limit';
import { TransportError, VendorError } from '../domain/errors.js';
import { isFinished } from '../domain/job-progress.js';
import type { BackupListFilter, BackupProvider, BackupRecord, JobRecord, JobState, ReadOutcome } from '../domain/provider.js';
import type { Logger } from '../infrastructure/logger.js';
import type { RoundOutcome, Sightings, WatchList } from './sightings.js';
import { MOVING_BACKUP_STATUSES, type RecordOf, type ResourceKind } from './status-events.js';
import type { Scope } from './watch-store.js';

/**
 * One poll round of one provider instance: what the registry watches, asked of the vendor with
 * batched calls (`refreshBackups` or `getBackups(ids)`, one listing per scope, `getSnapshots(ids)`,
 * `refreshJobs`, then `pollJob` per moving job it did not answer), and every answer reported back,
 * id by id. Subscribers never cause polling of their own: a thousand subscriptions to one backup add
 * one id to one batch.
 */

/** One listing page per scope per round: more backups than this moving at once on one source is not expected. */
export const SCOPE_LIST_LIMIT = 1000;
const JOB_POLLS_IN_FLIGHT = 8;

export interface RoundContext {
  provider: BackupProvider;
  watchList: WatchList;
  sightings: Sightings;
  log: Logger;
  /** Whether this round asks about jobs that report their end by callback (a fallback now and then). */
  pollHookedJobs: boolean;
  /** This provider's jobs report their end by callback: while they run, they do not keep the round fast. */
  hooked: boolean;
}

export interface RoundResult extends RoundOutcome {
  /** The vendor (or the registry) failed part of the round. */
  failed: boolean;
}

export function filterOfScope(scope: Scope): BackupListFilter {
  return { statuses: [...MOVING_BACKUP_STATUSES], ...(scope === 'all' ? {} : { sourceVendorId: scope.slice('source:'.length) }) };
}

/**
 * A vendor failing a poll is expected and the upstream layer has logged it (one rate-limited warn
 * line); only the unexpected gets an error line with its stack.
 */
function logPollFailure(log: Logger, error: unknown, fields: Record<string, string>, message: string): void {
  if (error instanceof TransportError || error instanceof VendorError) log.debug({ ...fields, error: error.message }, message);
  else log.error({ err: error, ...fields }, message);
}

export async function pollRound(context: RoundContext): Promise<RoundResult> {
  const { provider, log } = context;
  const result: RoundResult = { moving: false, changes: 0, failed: false };
  const rounds = await Promise.allSettled([pollBackups(context), pollSnapshots(context), pollJobs(context)]);
  for (const round of rounds) {
    if (round.status === 'fulfilled') {
      result.moving ||= round.value.moving;
      result.changes += round.value.changes;
      result.failed ||= round.value.failed;
    } else {
      result.failed = true;
      logPollFailure(log, round.reason, { provider: provider.name }, 'status poll failed');
    }
  }
  return result;
}

/**
 * Watched backups, asked the provider's cheapest way (`refreshBackups`: listings, then single reads),
 * plus one listing per scope for backups that started moving. Each id has its own outcome: what
 * answered is reported, what failed stays watched and counts as still moving.
 */
async function pollBackups({ provider, watchList, sightings, log }: RoundContext): Promise<RoundResult> {
  const [watched, scopes] = await Promise.all([watchList.watched('backup', provider.key), watchList.scopes(provider.key)]);
  const listed = new Map<string, BackupRecord | null>();
  let scopeFailed = false;
  for (const scope of scopes.includes('all') ? ['all' as const] : scopes) {
    try {
      const records = await provider.listBackups({ filter: filterOfScope(scope), after: null, limit: SCOPE_LIST_LIMIT });
      for (const record of records) listed.set(record.vendorId, record);
    } catch (error) {
      scopeFailed = true;
      logPollFailure(log, error, { provider: provider.name }, 'scope listing failed');
    }
  }
  const rest = watched.filter(({ id }) => !listed.has(id));
  const outcomes =
    rest.length === 0 ? new Map() : provider.refreshBackups ? await provider.refreshBackups(rest) : await readTogether(rest.map(({ id }) => id), (ids) => provider.getBackups(ids));
  const round = await report('backup', { provider, sightings, log }, [...listed], outcomes);
  return { ...round, failed: round.failed || scopeFailed };
}

async function pollSnapshots({ provider, watchList, sightings, log }: RoundContext): Promise<RoundResult> {
  const getSnapshots = provider.getSnapshots?.bind(provider);
  const watched = getSnapshots ? await watchList.watched('snapshot', provider.key) : [];
  if (!getSnapshots || watched.length === 0) return { moving: false, changes: 0, failed: false };
  const outcomes = provider.refreshSnapshots ? await provider.refreshSnapshots(watched) : await readTogether(watched.map(({ id }) => id), getSnapshots);
  return report('snapshot', { provider, sightings, log }, [], outcomes);
}

/**
 * Reports what answered. Ids whose read failed are kept (asked again next round) and keep the round
 * fast; the round counts as failed only when nothing it asked answered.
 */
async function report<K extends ResourceKind>(
  kind: K,
  { provider, sightings, log }: Pick<RoundContext, 'provider' | 'sightings' | 'log'>,
  listed: [string, RecordOf[K] | null][],
  outcomes: ReadonlyMap<string, ReadOutcome<RecordOf[K]>>,
): Promise<RoundResult> {
  const seen = [...listed];
  let failures = 0;
  for (const [id, read] of outcomes) {
    if (read.outcome === 'failed') {
      failures += 1;
      if (failures === 1) logPollFailure(log, read.error, { provider: provider.name, kind }, 'status read failed');
    } else {
      seen.push([id, read.outcome === 'found' ? read.record : null]);
    }
  }
  const round = seen.length > 0 ? await sightings.sawResources(kind, provider.key, seen) : { moving: false, changes: 0 };
  return { moving: round.moving || failures > 0, changes: round.changes, failed: failures > 0 && seen.length === 0 };
}

/** A provider whose batch read is one call: every id shares its outcome. */
async function readTogether<T>(ids: readonly string[], read: (ids: readonly string[]) => Promise<(T | null)[]>): Promise<Map<string, ReadOutcome<T>>> {
  try {
    const records = await read(ids);
    return new Map(ids.map((id, index): [string, ReadOutcome<T>] => [id, records[index] ? { outcome: 'found', record: records[index] } : { outcome: 'gone' }]));
  } catch (error) {
    return new Map(ids.map((id): [string, ReadOutcome<T>] => [id, { outcome: 'failed', error }]));
  }
}

/** What `refreshJobs` answered; a throw (which it should not) leaves every job moving, asked again next round. */
async function refreshJobs(provider: BackupProvider, jobs: readonly JobRecord[]): Promise<ReadonlyMap<string, ReadOutcome<JobState>>> {
  if (!provider.refreshJobs || jobs.length === 0) return new Map();
  try {
    return await provider.refreshJobs(jobs);
  } catch (error) {
    return new Map(jobs.map((job): [string, ReadOutcome<JobState>] => [job.vendorId, { outcome: 'failed', error }]));
  }
}

/** A job's state from the batch answer, or from `pollJob` when the batch did not answer it. */
async function stateOf(provider: BackupProvider, job: JobRecord, batch: ReadonlyMap<string, ReadOutcome<JobState>>): Promise<JobState | null> {
  const read = batch.get(job.vendorId);
  if (!read) return provider.pollJob(job);
  if (read.outcome === 'failed') throw read.error;
  return read.outcome === 'found' ? read.record : null;
}

async function pollJobs({ provider, watchList, sightings, log, pollHookedJobs, hooked }: RoundContext): Promise<RoundResult> {
  const jobs = await watchList.movingJobs(provider.key);
  if (hooked && !pollHookedJobs) return { moving: false, changes: 0, failed: false };
  let moving = false;
  let changes = 0;
  const batch = await refreshJobs(provider, jobs);
  const limit = pLimit(JOB_POLLS_IN_FLIGHT);
  await Promise.all(
    jobs.map((job) =>
      limit(async () => {
        let said: JobState | null;
        try {
          said = await stateOf(provider, job, batch);
        } catch (error) {
          // One job's poll failing leaves it moving: it is asked again next round.
          logPollFailure(log, error, { provider: provider.name, job: job.vendorId }, 'job poll failed');
          moving ||= !hooked;
          return;
        }
        const next = await sightings.sawJob(job, said);
        if (next !== job) changes += 1;
        if (!isFinished(next.status) && !hooked) moving = true;
      }),
    ),
  );
  return { moving, changes, failed: false };
}

