import pLimit from 'p-limit';
import { TransportError, VendorError } from '../domain/errors.js';
import { isFinished } from '../domain/job-progress.js';
import type { BackupListFilter, BackupProvider, BackupRecord, JobState } from '../domain/provider.js';
import type { Logger } from '../infrastructure/logger.js';
import type { RoundOutcome, Sightings, WatchList } from './sightings.js';
import { MOVING_BACKUP_STATUSES } from './status-events.js';
import type { Scope } from './watch-store.js';

/**
 * One poll round of one provider instance: what the registry watches, asked of the vendor with
 * batched calls (`getBackups(ids)`, one listing per scope, `getSnapshots(ids)`, `pollJob` per
 * moving job), and every answer reported back. Subscribers never cause polling of their own: a
 * thousand subscriptions to one backup add one id to one batch.
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
    } else {
      result.failed = true;
      logPollFailure(log, round.reason, { provider: provider.name }, 'status poll failed');
    }
  }
  return result;
}

/** Watched ids in one `getBackups` batch, plus one listing per scope for backups that started moving. */
async function pollBackups({ provider, watchList, sightings }: RoundContext): Promise<RoundOutcome> {
  const [ids, scopes] = await Promise.all([watchList.watchedIds('backup', provider.key), watchList.scopes(provider.key)]);
  const listed = new Map<string, BackupRecord | null>();
  for (const scope of scopes.includes('all') ? ['all' as const] : scopes) {
    const records = await provider.listBackups({ filter: filterOfScope(scope), after: null, limit: SCOPE_LIST_LIMIT });
    for (const record of records) listed.set(record.vendorId, record);
  }
  const rest = ids.filter((id) => !listed.has(id));
  const fetched = rest.length > 0 ? await provider.getBackups(rest) : [];
  return sightings.sawResources('backup', provider.key, [...listed, ...pairs(rest, fetched)]);
}

async function pollSnapshots({ provider, watchList, sightings }: RoundContext): Promise<RoundOutcome> {
  if (!provider.getSnapshots) return { moving: false, changes: 0 };
  const ids = await watchList.watchedIds('snapshot', provider.key);
  if (ids.length === 0) return { moving: false, changes: 0 };
  return sightings.sawResources('snapshot', provider.key, pairs(ids, await provider.getSnapshots(ids)));
}

async function pollJobs({ provider, watchList, sightings, log, pollHookedJobs, hooked }: RoundContext): Promise<RoundOutcome> {
  const jobs = await watchList.movingJobs(provider.key);
  if (hooked && !pollHookedJobs) return { moving: false, changes: 0 };
  let moving = false;
  let changes = 0;
  const limit = pLimit(JOB_POLLS_IN_FLIGHT);
  await Promise.all(
    jobs.map((job) =>
      limit(async () => {
        let said: JobState | null;
        try {
          said = await provider.pollJob(job);
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
  return { moving, changes };
}

function pairs<T>(ids: readonly string[], records: readonly (T | null)[]): [string, T | null][] {
  return ids.map((id, index) => [id, records[index] ?? null]);
}
