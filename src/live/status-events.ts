import { isFinished, jobRank } from '../domain/job-progress.js';
import type { BackupRecord, BackupStatus, JobRecord, SnapshotRecord } from '../domain/provider.js';

/** What live status watches, what a change of it looks like, and when it counts as moving. */

export type WatchKind = 'backup' | 'snapshot' | 'job';
/** Backups and snapshots: what queries, listings and subscriptions find and report. */
export type ResourceKind = Exclude<WatchKind, 'job'>;

export interface RecordOf {
  backup: BackupRecord;
  snapshot: SnapshotRecord;
  job: JobRecord;
}

export type StatusOf<K extends WatchKind> = RecordOf[K]['status'];

/**
 * One transition as the watcher saw it: published once, whatever the number of replicas. A union
 * over the kinds, so that `event.kind === 'job'` says what `record` is.
 */
export type StatusEvent<K extends WatchKind = WatchKind> = K extends WatchKind
  ? {
      kind: K;
      /** `null` when the resource was first seen with this status. */
      previousStatus: StatusOf<K> | null;
      status: StatusOf<K>;
      /** When the watcher saw the change (ISO-8601). */
      occurredAt: string;
      record: RecordOf[K];
    }
  : never;

const MOVING: { [K in WatchKind]: ReadonlySet<StatusOf<K>> } = {
  backup: new Set(['CREATING', 'DELETING', 'RESTORING']),
  snapshot: new Set(['CREATING', 'DELETING']),
  job: new Set(['PENDING', 'RUNNING']),
};
export const MOVING_BACKUP_STATUSES: BackupStatus[] = ['CREATING', 'DELETING', 'RESTORING'];

export function isMoving<K extends WatchKind>(kind: K, status: StatusOf<K>): boolean {
  return MOVING[kind].has(status);
}

interface KindRules<R> {
  /** What counts as a change. */
  fingerprint(record: R): string;
  /** Where the record stands in a one-way progression; `null` for kinds that may move any way. */
  rank(record: R): number | null;
  /** A final record takes no later state. */
  isFinal(record: R): boolean;
}

const RULES: { [K in WatchKind]: KindRules<RecordOf[K]> } = {
  backup: { fingerprint: (backup) => backup.status, rank: () => null, isFinal: () => false },
  snapshot: { fingerprint: (snapshot) => snapshot.status, rank: () => null, isFinal: () => false },
  job: {
    fingerprint: (job) => JSON.stringify([job.status, job.progress, job.error, job.resource, job.resent ?? false]),
    rank: jobRank,
    isFinal: (job) => isFinished(job.status),
  },
};

/** What counts as a change: the status for backups and snapshots; status, progress, error and resource for jobs. */
export function fingerprintOf<K extends WatchKind>(kind: K, record: RecordOf[K]): string {
  return RULES[kind].fingerprint(record);
}

/** A job's place in its one-way progression; other kinds may move any way. */
export function rankOf<K extends WatchKind>(kind: K, record: RecordOf[K]): number | null {
  return RULES[kind].rank(record);
}

/** A finished job is final: the registry takes no later state of it. */
export function isFinal<K extends WatchKind>(kind: K, record: RecordOf[K]): boolean {
  return RULES[kind].isFinal(record);
}
