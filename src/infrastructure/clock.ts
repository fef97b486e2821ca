/**
 * Time as live status sees it: what time it is, and callbacks at a later time. Injected rather than
 * read from `Date.now()` and `setTimeout`, so that a test can drive the pollers' rounds itself
 * instead of racing them.
 */

export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Runs `run` once, `ms` from now. */
  after(ms: number, run: () => void): Timer;
  /** Runs `run` every `ms` until cancelled. */
  every(ms: number, run: () => void): Timer;
}

/** The process clock. Its timers never keep the process alive on their own (the servers do). */
export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, run) {
    const handle = setTimeout(run, ms);
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
  every(ms, run) {
    const handle = setInterval(run, ms);
    handle.unref();
    return { cancel: () => clearInterval(handle) };
  },
};

export function isoAt(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}
