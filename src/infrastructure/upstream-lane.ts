import { UpstreamRejection } from '../domain/errors.js';

/**
 * A bounded lane of upstream calls, shared fairly between callers: at most `concurrency` run, each
 * caller (an API key, or the gateway's own background work) may have at most `maxQueued` waiting,
 * and a waiter gives up after `queueTimeoutMs` (or when its deadline would pass first) with a typed
 * rejection, having sent nothing. Each provider has one lane for reads and one for writes, so a
 * burst of slow writes cannot starve reads.
 *
 * Fair: a free slot goes to the waiting caller with the fewest calls running, and among those to
 * the one served longest ago; each caller's own calls keep their order. One key's burst therefore
 * queues behind itself, while another key of the same tenant gets the next free slot.
 *
 * Written here because neither library at hand does it: cockatiel's bulkhead has no queue timeout,
 * no fairness and keeps an abandoned waiter in its queue (and stops dequeuing past it), p-limit has
 * no bound on its queue, no timeout and one FIFO for everyone.
 */

export interface LaneSettings {
  concurrency: number;
  /** Per caller. */
  maxQueued: number;
  queueTimeoutMs: number;
}

/** Calls made outside any request (the status watcher's polls) share this caller. */
export const GATEWAY_CALLER = 'gateway';

interface Waiter {
  start: () => void;
  timer: NodeJS.Timeout;
}

interface Caller {
  running: number;
  waiting: Waiter[];
  /** When this caller's latest call started, in slot hand-outs; 0 before its first. */
  lastStart: number;
}

export class UpstreamLane {
  private active = 0;
  private starts = 0;
  /** Callers with calls running or waiting; one without either is forgotten. */
  private readonly callers = new Map<string, Caller>();

  constructor(
    private readonly what: string,
    private readonly settings: LaneSettings,
  ) {}

  /** Runs `fn` once a slot is free; `deadline` (epoch ms) shortens the wait when it comes sooner. */
  async run<T>(fn: () => Promise<T>, deadline = Number.POSITIVE_INFINITY, callerId = GATEWAY_CALLER): Promise<T> {
    const caller = this.callerOf(callerId);
    if (this.active >= this.settings.concurrency) await this.wait(callerId, caller, deadline);
    else this.started(caller);
    try {
      return await fn();
    } finally {
      caller.running -= 1;
      this.release();
      this.forgetIfIdle(callerId, caller);
    }
  }

  private callerOf(id: string): Caller {
    let caller = this.callers.get(id);
    if (!caller) this.callers.set(id, (caller = { running: 0, waiting: [], lastStart: 0 }));
    return caller;
  }

  private started(caller: Caller): void {
    this.active += 1;
    caller.running += 1;
    caller.lastStart = this.starts += 1;
  }

  private wait(callerId: string, caller: Caller, deadline: number): Promise<void> {
    if (caller.waiting.length >= this.settings.maxQueued) {
      this.forgetIfIdle(callerId, caller);
      return Promise.reject(new UpstreamRejection('QUEUE_FULL', `${this.what}: ${caller.waiting.length} calls of this caller already queued`));
    }
    const waitMs = Math.min(this.settings.queueTimeoutMs, deadline - Date.now());
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          clearTimeout(waiter.timer);
          resolve();
        },
        timer: setTimeout(() => {
          caller.waiting.splice(caller.waiting.indexOf(waiter), 1);
          this.forgetIfIdle(callerId, caller);
          const byDeadline = waitMs < this.settings.queueTimeoutMs;
          reject(
            byDeadline
              ? new UpstreamRejection('DEADLINE_EXCEEDED', `${this.what}: the request's deadline passed while the call was queued`)
              : new UpstreamRejection('QUEUE_TIMEOUT', `${this.what}: queued ${this.settings.queueTimeoutMs} ms without a free slot`),
          );
        }, Math.max(0, waitMs)),
      };
      caller.waiting.push(waiter);
    });
  }

  /** Hands the freed slot to the next caller in fairness order. */
  private release(): void {
    this.active -= 1;
    const next = this.nextCaller();
    if (!next) return;
    this.started(next);
    next.waiting.shift()!.start();
  }

  private nextCaller(): Caller | null {
    let best: Caller | null = null;
    for (const caller of this.callers.values()) {
      if (caller.waiting.length === 0) continue;
      if (!best || caller.running < best.running || (caller.running === best.running && caller.lastStart < best.lastStart)) best = caller;
    }
    return best;
  }

  private forgetIfIdle(id: string, caller: Caller): void {
    if (caller.running === 0 && caller.waiting.length === 0) this.callers.delete(id);
  }
}
