import type { ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { runWithinBudget, UpstreamBudget } from '../../infrastructure/upstream-budget.js';
import type { GatewayContext } from '../../schema/context.js';

/**
 * A subscription costs on every event, not once: what its payload selects beyond the event record
 * (`backup { volume { backups(first: 100) } }`) is read from the vendors each time an event comes,
 * and events come when anyone — another key, the vendor's own scheduler — changes something.
 *
 * So each event runs within a budget of its own, the payload's per-event price (use-query-cost.ts;
 * the event record itself is free), and every read it makes is spent from its key's per-second
 * budget, the one its queries spend (use-rate-limits.ts). Over it, the event is still delivered and
 * the fields that would have read a vendor carry RATE_LIMITED.
 *
 * Chosen over refusing, at subscribe time, payloads above a small per-event cap: a cap bounds one
 * subscription's event, not the product of subscriptions (500 per key) and events (which the key
 * does not control), and it would refuse honest payloads that read one listing. Spending from the
 * key's budget bounds a key's vendor load per second, however many subscriptions it holds and
 * however many events arrive.
 *
 * The first result (the current state) runs within the subscription's whole price, which counts
 * the root field's read. Shared executions (use-shared-subscription-results.ts) read once for all
 * subscribers of an event, and so are spent once, by the subscriber whose turn made the read.
 */
export function useSubscriptionEventCosts(spend: (keyHash: string, providerName: string) => Promise<void>): Plugin<GatewayContext> {
  return {
    onSubscribe({ args }) {
      const ctx = args.contextValue as GatewayContext;
      const allowance = (providerName: string) => spend(ctx.principal.keyHash, providerName);
      return {
        onSubscribeResult({ result, setResult }) {
          if (!isAsyncIterable(result)) return;
          setResult(new BudgetedEvents(result[Symbol.asyncIterator]() as AsyncIterator<ExecutionResult>, ctx.cost ?? 0, ctx.eventCost ?? 0, allowance));
        },
      };
    },
  };
}

/** Each `next()` (the wait for an event and the execution of its payload) runs within a fresh budget. */
class BudgetedEvents implements AsyncIterableIterator<ExecutionResult> {
  private first = true;

  constructor(
    private readonly source: AsyncIterator<ExecutionResult>,
    private readonly startPrice: number,
    private readonly eventPrice: number,
    private readonly allowance: (providerName: string) => Promise<void>,
  ) {}

  next(): Promise<IteratorResult<ExecutionResult>> {
    const budget = new UpstreamBudget(this.first ? this.startPrice : this.eventPrice, this.allowance);
    this.first = false;
    return runWithinBudget(budget, () => this.source.next());
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    return (await this.source.return?.()) ?? { value: undefined, done: true };
  }

  async throw(error: unknown): Promise<IteratorResult<ExecutionResult>> {
    if (this.source.throw) return this.source.throw(error);
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
