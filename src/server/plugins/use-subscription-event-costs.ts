import { runWithinBudget, UpstreamBudget } from '../../infrastructure/upstream-budget.js';
import type { GatewayContext } from '../../schema/context.js';
import type { SubscriptionConcern } from './subscription-stream.js';

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
export function subscriptionEventCosts(spend: (keyHash: string, providerName: string) => Promise<void>): SubscriptionConcern<GatewayContext> {
  return {
    // Each execution of a payload runs within a fresh budget.
    execution(stream, execute) {
      const ctx = stream.context;
      const keyHash = ctx.principal.keyHash;
      const budget = new UpstreamBudget(stream.delivered === 0 ? (ctx.cost ?? 0) : (ctx.eventCost ?? 0), (providerName) => spend(keyHash, providerName));
      return runWithinBudget(budget, execute);
    },
  };
}
