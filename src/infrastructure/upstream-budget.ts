import { UpstreamRejection } from '../domain/errors.js';
import { currentCall, within } from './call-context.js';

/**
 * The upstream requests one GraphQL operation may make while it runs: its computed cost (at most
 * `maxCost`), counted here call by call, so that what the static count could not foresee (a filter
 * the gateway applies itself, a vendor that must be read page by page) ends the operation with
 * COST_LIMIT instead of walking the vendor. Every attempt counts, retries included: each is a
 * request the vendor serves.
 *
 * Only a read's first attempt is refused. A write is the vendor call a mutation exists for (priced
 * by the mutation rate, not by this budget), a login or token request is shared by every operation
 * after it, and a retry (at most `retry.maxAttempts` - 1, after a transient failure) finishes a read
 * already admitted; refusing any of them halfway would leave a mutation half done, a session
 * unopened or a read lost. They are counted all the same, so `actual` is what the vendors were asked.
 *
 * Kept apart from the lanes and the circuit (upstream-guard.ts): it is a count per operation, they
 * are per provider.
 */
export class UpstreamBudget {
  private reads = 0;
  private others = 0;

  /**
   * @param allowance Also spends each read from a longer-lived budget (a subscription event's from
   *   its key's per-second budget); rejects with the refusal when that budget is spent.
   */
  constructor(
    readonly limit: number,
    private readonly allowance?: (providerName: string) => Promise<void>,
  ) {}

  /** Upstream requests made so far, every attempt. */
  get spent(): number {
    return this.reads + this.others;
  }

  /** Counts one attempt, or refuses a read that would go past the limit (nothing is sent then). */
  charge(attempt: UpstreamAttempt, providerName: string): void | Promise<void> {
    if (attempt !== 'read') {
      this.others += 1;
      return undefined;
    }
    if (this.reads >= this.limit) {
      throw new UpstreamRejection(
        'COST_LIMIT',
        `${providerName}: the operation has made the ${this.limit} upstream requests its cost allows; ask for smaller pages or narrower filters`,
      );
    }
    this.reads += 1;
    return this.allowance?.(providerName);
  }
}

/** A read's first attempt; anything else (a write, a retry) is counted and never refused. */
export type UpstreamAttempt = 'read' | 'write' | 'retry';

/** Runs `fn` (an operation's execution) with every upstream call in it counted against `budget`. */
export function runWithinBudget<T>(budget: UpstreamBudget, fn: () => T): T {
  return within({ budget }, fn);
}

/** Background work an operation merely set off (a job's polls, the watcher's next round) is no operation's. */
export function outsideBudget<T>(fn: () => T): T {
  return within({ budget: undefined }, fn);
}

/**
 * Runs `fn`, the polls a write makes to follow its own asynchronous vendor job to its end (a ZStack
 * policy is several async writes, each awaited): they are part of that write, counted but never
 * refused, as the write itself is not (refusing one would leave the write's outcome unknown).
 */
export function asPartOfWrite<T>(fn: () => T): T {
  return within({ followingWrite: true }, fn);
}

/** Called by the upstream layer before each attempt; outside an operation nothing is counted. */
export function chargeUpstreamCall(attempt: UpstreamAttempt, providerName: string): void | Promise<void> {
  const call = currentCall();
  return call?.budget?.charge(attempt === 'read' && call.followingWrite ? 'write' : attempt, providerName);
}
