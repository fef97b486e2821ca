import { advanceJob, isFinished, startedJobRecord } from '../domain/job-progress.js';
import type { BackupProvider, JobOperation, JobRecord, ProviderKey, StartedJob } from '../domain/provider.js';
import { isoAt, type Clock } from '../infrastructure/clock.js';
import type { JobTransitionListener, WatchRegistry } from './registry.js';
import type { StatusWatcher } from './watcher.js';

/**
 * The jobs the gateway started, as mutations and `job(id)` see them. Nothing is kept here: every
 * answer comes from the watch registry, whichever replica started or polled the job.
 */
export class Jobs {
  constructor(
    private readonly registry: WatchRegistry,
    private readonly watcher: Pick<StatusWatcher, 'onChange' | 'refreshJob'>,
    private readonly clock: Clock,
  ) {}

  /** Records a job the provider just started (or resumed) and follows it; a known job is returned as it stands. */
  async track(provider: BackupProvider, started: StartedJob): Promise<JobRecord> {
    const known = await this.load(provider.key, started.vendorJobId);
    if (known) return known;
    const job = startedJobRecord(provider.key, started, isoAt(this.clock));
    await this.registry.startJob(job);
    return job;
  }

  /** Jobs started and moved, each heard once across replicas: on the one that stored the step. */
  onTransition(listener: JobTransitionListener): () => void {
    return this.registry.onJobTransition(listener);
  }

  async load(providerKey: ProviderKey, vendorJobId: string): Promise<JobRecord | undefined> {
    return this.registry.job(providerKey, vendorJobId);
  }

  /**
   * The job as the vendor reports it now: a running job is asked about once (one upstream call), so
   * a query that also reads what the job made sees both in the same state.
   */
  async current(providerKey: ProviderKey, vendorJobId: string): Promise<JobRecord | undefined> {
    const known = await this.load(providerKey, vendorJobId);
    if (!known || isFinished(known.status)) return known;
    // A vendor that cannot answer now leaves the job as last seen; the poller keeps following it.
    await this.watcher.refreshJob(providerKey, vendorJobId).catch(() => false);
    return this.load(providerKey, vendorJobId);
  }

  /**
   * A job whose record is gone (past its retention, or lost with a store that did not survive):
   * asked of the vendor by its id, recorded again and followed to its end; `createdAt` is then when
   * it was rebuilt. `undefined` when the vendor does not know the job either.
   */
  async rebuild(provider: BackupProvider, vendorJobId: string, operation: JobOperation): Promise<JobRecord | undefined> {
    const blank = startedJobRecord(provider.key, { vendorJobId, operation, resource: null }, isoAt(this.clock));
    const said = await provider.pollJob(blank);
    if (!said) return undefined;
    const job = advanceJob(blank, said, isoAt(this.clock));
    await this.registry.startJob(job);
    return (await this.load(provider.key, vendorJobId)) ?? job;
  }

  /** Resolves when the job reaches a terminal status (for callers that must not poll themselves). */
  whenFinished(providerKey: ProviderKey, vendorJobId: string): Promise<JobRecord> {
    return new Promise((resolve, reject) => {
      const stop = this.watcher.onChange((event) => {
        if (event.kind === 'job' && event.record.providerKey === providerKey && event.record.vendorId === vendorJobId && isFinished(event.status)) {
          stop();
          resolve(event.record);
        }
      });
      this.load(providerKey, vendorJobId).then(
        (job) => {
          if (!job) {
            stop();
            reject(new Error(`job ${vendorJobId} is not tracked`));
          } else if (isFinished(job.status)) {
            stop();
            resolve(job);
          }
        },
        (error: unknown) => {
          stop();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }
}
