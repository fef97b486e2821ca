import { UpstreamRejection } from '../domain/errors.js';

/**
 * A bounded FIFO lane of upstream calls: at most `concurrency` run, at most `maxQueued` wait, and a
 * waiter gives up after `queueTimeoutMs` (or when its deadline would pass first) with a typed
 * rejection, having sent nothing. Each provider has one lane for reads and one for writes, so a
 * burst of slow writes cannot starve reads.
 *
 * Written here because neither library at hand does it: cockatiel's bulkhead has no queue timeout
 * and keeps an abandoned waiter in its queue (and stops dequeuing past it), p-limit has no bound on
 * its queue and no timeout.
 */

export interface LaneSettings {
  concurrency: number;
  maxQueued: number;
  queueTimeoutMs: number;
}

interface Waiter {
  start: () => void;
  timer: NodeJS.Timeout;
}

export class UpstreamLane {
  private active = 0;
  private readonly waiting: Waiter[] = [];

  constructor(
    private readonly what: string,
    private readonly settings: LaneSettings,
  ) {}

  /** Runs `fn` once a slot is free; `deadline` (epoch ms) shortens the wait when it comes sooner. */
  async run<T>(fn: () => Promise<T>, deadline = Number.POSITIVE_INFINITY): Promise<T> {
    if (this.active >= this.settings.concurrency) await this.wait(deadline);
    else this.active += 1;
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  private wait(deadline: number): Promise<void> {
    if (this.waiting.length >= this.settings.maxQueued) {
      return Promise.reject(new UpstreamRejection('QUEUE_FULL', `${this.what}: ${this.waiting.length} calls already queued`));
    }
    const waitMs = Math.min(this.settings.queueTimeoutMs, deadline - Date.now());
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          clearTimeout(waiter.timer);
          resolve();
        },
        timer: setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          const byDeadline = waitMs < this.settings.queueTimeoutMs;
          reject(
            byDeadline
              ? new UpstreamRejection('DEADLINE_EXCEEDED', `${this.what}: the request's deadline passed while the call was queued`)
              : new UpstreamRejection('QUEUE_TIMEOUT', `${this.what}: queued ${this.settings.queueTimeoutMs} ms without a free slot`),
          );
        }, Math.max(0, waitMs)),
      };
      this.waiting.push(waiter);
    });
  }

  /** Hands the slot straight to the oldest waiter, so the count never dips and nobody overtakes. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next.start();
    else this.active -= 1;
  }
}
