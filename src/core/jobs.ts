import pLimit from 'p-limit';
import type { Logger } from './logger.js';
import { TransportError } from './errors.js';
import type { BackupProvider, JobRecord, JobState, ProviderKey, StartedJob } from '../providers/provider.js';

/**
 * Follows every vendor job the gateway started, once per job however many clients ask about it:
 * mutations return at once, and `job(id)` (and later subscriptions) read the record kept here.
 * Pending jobs are polled on one shared tick, with bounded concurrency per provider, and listeners
 * hear of real changes only.
 */

export type JobListener = (job: JobRecord, previous: JobRecord | null) => void;

export interface JobTrackerOptions {
  pollIntervalMs: number;
  providerFor: (key: ProviderKey) => BackupProvider | undefined;
  log: Logger;
  /** Upstream polls in flight per provider during one tick. */
  concurrencyPerProvider?: number;
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED']);

export function isTerminal(job: Pick<JobRecord, 'status'>): boolean {
  return TERMINAL.has(job.status);
}

export function jobKey(providerKey: ProviderKey, vendorJobId: string): string {
  return `${providerKey}:${vendorJobId}`;
}

export class JobTracker {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly pending = new Set<string>();
  private readonly listeners = new Set<JobListener>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly options: JobTrackerOptions) {}

  /** Records a job the provider just started (or resumed) and follows it; a known job is returned as it is. */
  track(provider: BackupProvider, started: StartedJob): JobRecord {
    const key = jobKey(provider.key, started.vendorJobId);
    const known = this.jobs.get(key);
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
    this.jobs.set(key, job);
    this.pending.add(key);
    this.emit(job, null);
    this.schedule();
    return job;
  }

  get(providerKey: ProviderKey, vendorJobId: string): JobRecord | undefined {
    return this.jobs.get(jobKey(providerKey, vendorJobId));
  }

  onChange(listener: JobListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when the job reaches a terminal status (for callers that must not poll themselves). */
  whenFinished(providerKey: ProviderKey, vendorJobId: string): Promise<JobRecord> {
    const job = this.get(providerKey, vendorJobId);
    if (!job) return Promise.reject(new Error(`job ${vendorJobId} is not tracked`));
    if (isTerminal(job)) return Promise.resolve(job);
    return new Promise((resolve) => {
      const stop = this.onChange((changed) => {
        if (changed.providerKey === providerKey && changed.vendorId === vendorJobId && isTerminal(changed)) {
          stop();
          resolve(changed);
        }
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
  }

  private schedule(): void {
    if (this.closed || this.timer || this.ticking || this.pending.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.ticking = this.tick().finally(() => {
        this.ticking = null;
        this.schedule();
      });
    }, this.options.pollIntervalMs);
  }

  private async tick(): Promise<void> {
    const limits = new Map<ProviderKey, ReturnType<typeof pLimit>>();
    await Promise.all(
      [...this.pending].map((key) => {
        const job = this.jobs.get(key)!;
        let limit = limits.get(job.providerKey);
        if (!limit) limits.set(job.providerKey, (limit = pLimit(this.options.concurrencyPerProvider ?? 8)));
        return limit(() => this.poll(key, job));
      }),
    );
  }

  private async poll(key: string, job: JobRecord): Promise<void> {
    const provider = this.options.providerFor(job.providerKey);
    if (!provider) {
      this.pending.delete(key);
      return;
    }
    let state: JobState | null;
    try {
      state = await provider.pollJob({ vendorJobId: job.vendorId, operation: job.operation });
    } catch (error) {
      // A poll that fails is tried again next tick: the job itself goes on upstream.
      const level = error instanceof TransportError ? 'warn' : 'error';
      this.options.log[level]({ err: error, provider: provider.name, job: job.vendorId }, 'job poll failed');
      return;
    }
    const next = state ?? {
      status: 'FAILED' as const,
      progress: null,
      error: { code: 'JOB_LOST', message: 'The vendor no longer knows this job', vendorCode: null },
      resource: job.resource,
    };
    this.update(key, job, next);
  }

  private update(key: string, job: JobRecord, state: JobState): void {
    const resource = state.resource ?? job.resource;
    const changed =
      state.status !== job.status ||
      state.progress !== job.progress ||
      JSON.stringify(state.error) !== JSON.stringify(job.error) ||
      JSON.stringify(resource) !== JSON.stringify(job.resource);
    if (!changed) return;
    const next: JobRecord = {
      ...job,
      ...state,
      resource,
      finishedAt: TERMINAL.has(state.status) ? new Date().toISOString() : null,
    };
    this.jobs.set(key, next);
    if (isTerminal(next)) this.pending.delete(key);
    this.emit(next, job);
  }

  private emit(job: JobRecord, previous: JobRecord | null): void {
    for (const listener of this.listeners) {
      try {
        listener(job, previous);
      } catch (error) {
        this.options.log.error({ err: error }, 'job listener failed');
      }
    }
  }
}
