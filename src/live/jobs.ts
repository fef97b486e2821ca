import type { Logger } from '../infrastructure/logger.js';
import type { StatusEvent } from './pubsub.js';
import { isMoving, type StatusWatcher } from './watcher.js';
import type { BackupProvider, JobRecord, ProviderKey, StartedJob } from '../domain/provider.js';

/**
 * The jobs the gateway started, as the status watcher follows them: `track` hands a new job to the
 * watcher (which polls it once per tick however many clients ask, or waits for its callback), and
 * keeps a local copy that every status event heard on the bus updates, whichever replica polled it.
 * `get` answers from that copy; `load` also asks the shared registry (jobs another replica started).
 */

export type JobListener = (job: JobRecord, previous: JobRecord | null) => void;

/** Jobs remembered locally; older ones are still found through `load`. */
const LOCAL_JOBS = 10_000;

export function isTerminal(job: Pick<JobRecord, 'status'>): boolean {
  return !isMoving('job', job.status);
}

export function jobKey(providerKey: ProviderKey, vendorJobId: string): string {
  return `${providerKey}:${vendorJobId}`;
}

export class JobTracker {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly listeners = new Set<JobListener>();
  private readonly startListeners = new Set<(job: JobRecord) => void>();
  private readonly stopListening: () => void;

  constructor(
    private readonly watcher: StatusWatcher,
    private readonly log: Logger,
  ) {
    this.stopListening = watcher.onChange((event) => {
      if (event.kind === 'job') this.heard((event as StatusEvent<'job'>).record);
    });
  }

  /** Records a job the provider just started (or resumed) and follows it; a known job is returned as it is. */
  async track(provider: BackupProvider, started: StartedJob): Promise<JobRecord> {
    const known = await this.load(provider.key, started.vendorJobId);
    if (known) return known;
    const job: JobRecord = {
      providerKey: provider.key,
      vendorId: started.vendorJobId,
      operation: started.operation,
      status: 'RUNNING',
      progress: null,
      error: null,
      resource: started.resource,
      createdAt: new Date().toISOString(),
      finishedAt: null,
    };
    this.remember(job);
    for (const listener of this.startListeners) listener(job);
    await this.watcher.trackJob(job);
    return this.get(provider.key, job.vendorId) ?? job;
  }

  get(providerKey: ProviderKey, vendorJobId: string): JobRecord | undefined {
    return this.jobs.get(jobKey(providerKey, vendorJobId));
  }

  async load(providerKey: ProviderKey, vendorJobId: string): Promise<JobRecord | undefined> {
    const local = this.get(providerKey, vendorJobId);
    if (local) return local;
    const shared = await this.watcher.job(providerKey, vendorJobId);
    if (shared) this.remember(shared);
    return shared;
  }

  /** Jobs this replica started (each once; the `onChange` listeners hear it as every replica does). */
  onStart(listener: (job: JobRecord) => void): () => void {
    this.startListeners.add(listener);
    return () => this.startListeners.delete(listener);
  }

  onChange(listener: JobListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when the job reaches a terminal status (for callers that must not poll themselves). */
  async whenFinished(providerKey: ProviderKey, vendorJobId: string): Promise<JobRecord> {
    return new Promise((resolve, reject) => {
      const stop = this.onChange((changed) => {
        if (changed.providerKey === providerKey && changed.vendorId === vendorJobId && isTerminal(changed)) {
          stop();
          resolve(changed);
        }
      });
      this.load(providerKey, vendorJobId).then(
        (job) => {
          if (!job) {
            stop();
            reject(new Error(`job ${vendorJobId} is not tracked`));
          } else if (isTerminal(job)) {
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

  async close(): Promise<void> {
    this.stopListening();
    this.listeners.clear();
    this.startListeners.clear();
  }

  private heard(job: JobRecord): void {
    const previous = this.get(job.providerKey, job.vendorId) ?? null;
    this.remember(job);
    for (const listener of this.listeners) {
      try {
        listener(job, previous);
      } catch (error) {
        this.log.error({ err: error }, 'job listener failed');
      }
    }
  }

  private remember(job: JobRecord): void {
    const key = jobKey(job.providerKey, job.vendorId);
    this.jobs.delete(key);
    this.jobs.set(key, job);
    if (this.jobs.size > LOCAL_JOBS) this.jobs.delete(this.jobs.keys().next().value!);
  }
}
