import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestScope } from './logger.js';
import type { UpstreamBudget } from './upstream-budget.js';

/**
 * Whose upstream calls are being made, as the layer below the adapters needs to know it: the request
 * (logger.ts), the operation's upstream budget and whether a read follows a write's own job
 * (upstream-budget.ts), whether the call is a circuit's probe (upstream-guard.ts).
 *
 * One AsyncLocalStorage for all four: on Node 20 every storage runs its own hook for every promise
 * made anywhere in the process and gives each promise a slot of its own, so four storages cost the
 * query path four times what one does. Each module reads and sets only its own part; `within` keeps
 * the other parts as they are.
 */
export interface CallContext {
  request?: RequestScope | undefined;
  budget?: UpstreamBudget | undefined;
  followingWrite?: true | undefined;
  probing?: true | undefined;
}

const storage = new AsyncLocalStorage<CallContext>();

/** The context of the code running now; `undefined` outside every request, operation, write and probe. */
export function currentCall(): CallContext | undefined {
  return storage.getStore();
}

/** Runs `fn` (and what it sets off) in the current context changed by `changes`: a part given as `undefined` is cleared, one not given is kept. */
export function within<T>(changes: CallContext, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...changes }, fn);
}

/**
 * Runs `fn(a, b)` outside every request, operation, write and probe: for work started by whatever
 * code happened to be running (a bus publish) that belongs to none of it. Arguments rather than a
 * closure: it runs per subscriber and event.
 */
export function outsideEveryCall<A, B, T>(fn: (a: A, b: B) => T, a: A, b: B): T {
  return storage.run(undefined as unknown as CallContext, fn, a, b);
}
