import type { SimulatorServer } from '../kit/index.js';
import { errorCode, ZStackApiError, type ZStackErrorCode } from './errors.js';
import { ZStackJob, type ZStackState } from './state.js';
import { deliverWebhook } from './webhook.js';

/**
 * ZStack's async API protocol (zstack.md §3): a job record per call; validation and session failures end
 * it at once, the work itself ends it after the configured duration, and a webhook (when asked for)
 * receives the same body a poll would.
 */

/** What an async API did on submit, and how it ends. */
export interface JobWork {
  /** Applies the end state and returns the job's result body; may throw ZStackApiError to fail. */
  complete(): Record<string, unknown>;
  /** Undoes what the submit did when the job fails (ZStack's flow rollback). */
  rollback?(): void;
  /** Ends the job without waiting (e.g. deleting what does not exist, which succeeds at once). */
  immediate?: boolean;
}

export interface JobSettings {
  durationMs: number;
  webhookRetryIntervalMs: number;
  /** Aborts webhook calls in flight when the simulator closes. */
  signal: AbortSignal;
}

export interface JobSubmission {
  uuid: string;
  api: string;
  webhook?: string;
  /** Checks the session and the arguments, applies what happens at once, returns the rest. */
  start(): JobWork;
  /** Adds what the REST layer puts next to the result (the `schema` member). */
  decorate(body: Record<string, unknown>): Record<string, unknown>;
}

export class JobRunner {
  constructor(
    private readonly server: SimulatorServer,
    private readonly state: ZStackState,
    private readonly settings: JobSettings,
  ) {}

  submit(submission: JobSubmission): ZStackJob {
    const job = new ZStackJob(submission.uuid, submission.api, this.state.now(), submission.webhook);
    this.state.jobs.set(job.uuid, job);
    let work: JobWork;
    try {
      work = submission.start();
    } catch (error) {
      this.fail(job, error);
      return job;
    }
    if (work.immediate) {
      this.run(job, work, submission);
      return job;
    }
    const injected = this.takeInjectedFailure(submission.api);
    this.server.later(this.settings.durationMs, () => this.run(job, work, submission, injected));
    return job;
  }

  private run(job: ZStackJob, work: JobWork, submission: JobSubmission, injected?: ZStackErrorCode): void {
    try {
      if (injected) throw new ZStackApiError(injected);
      this.end(job, 200, submission.decorate(work.complete()));
    } catch (error) {
      work.rollback?.();
      this.fail(job, error);
    }
  }

  private takeInjectedFailure(api: string): ZStackErrorCode | undefined {
    return this.state.pendingFailures.get(api)?.shift();
  }

  private fail(job: ZStackJob, error: unknown): void {
    const code = error instanceof ZStackApiError ? error.error : errorCode('SYS.1000', (error as Error).message);
    this.end(job, 503, { error: code });
  }

  private end(job: ZStackJob, httpStatus: 200 | 503, body: unknown): void {
    job.finish(httpStatus, body, this.state.now());
    this.state.emit({ kind: 'job', uuid: job.uuid, job });
    if (job.webhook) {
      void deliverWebhook(
        { url: job.webhook, jobUuid: job.uuid, success: httpStatus === 200, body },
        {
          retryIntervalMs: this.settings.webhookRetryIntervalMs,
          wait: (ms) => new Promise((resolve) => this.server.later(ms, () => resolve())),
          signal: this.settings.signal,
        },
      ).then((delivered) => this.state.emit({ kind: 'webhook', uuid: job.uuid, delivered }));
    }
  }
}
