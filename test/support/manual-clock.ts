import type { Clock, Timer } from '../../src/infrastructure/clock.js';

/**
 * A clock the test moves: timers run only when the test says so, in the order they fall due, and
 * `now()` is the time of the last timer run. Starts at the real time, so that records look sane.
 */

interface Pending {
  dueAt: number;
  order: number;
  run: () => void;
  repeatMs: number | null;
}

export class ManualClock implements Clock {
  private time = Date.now();
  private order = 0;
  private readonly pending = new Set<Pending>();
  private waiters: (() => void)[] = [];

  now(): number {
    return this.time;
  }

  after(ms: number, run: () => void): Timer {
    return this.add(ms, run, null);
  }

  every(ms: number, run: () => void): Timer {
    return this.add(ms, run, ms);
  }

  /** Resolves when the next timer is set. */
  scheduled(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Moves time to the next timer (waiting for one to be set) and runs it. */
  async next(): Promise<void> {
    while (this.pending.size === 0) await this.scheduled();
    const timer = this.first();
    this.time = Math.max(this.time, timer.dueAt);
    this.fire(timer);
  }

  /** Moves time on by `ms`, running every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const until = this.time + ms;
    for (let timer = this.dueBy(until); timer; timer = this.dueBy(until)) {
      this.time = Math.max(this.time, timer.dueAt);
      this.fire(timer);
    }
    this.time = until;
  }

  private dueBy(until: number): Pending | null {
    if (this.pending.size === 0) return null;
    const timer = this.first();
    return timer.dueAt <= until ? timer : null;
  }

  private add(ms: number, run: () => void, repeatMs: number | null): Timer {
    const timer: Pending = { dueAt: this.time + ms, order: this.order++, run, repeatMs };
    this.pending.add(timer);
    for (const resolve of this.waiters.splice(0)) resolve();
    return { cancel: () => this.pending.delete(timer) };
  }

  private first(): Pending {
    return [...this.pending].reduce((a, b) => (b.dueAt < a.dueAt || (b.dueAt === a.dueAt && b.order < a.order) ? b : a));
  }

  private fire(timer: Pending): void {
    if (timer.repeatMs === null) this.pending.delete(timer);
    else timer.dueAt += timer.repeatMs;
    timer.run();
  }
}
