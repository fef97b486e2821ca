import { GraphQLError, type ExecutionArgs } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { UpstreamRejection } from '../../domain/errors.js';
import type { GatewayContext } from '../../schema/context.js';
import { operationOf, rootFieldsOf } from '../../providers/access.js';
import type { RedisConnections } from '../../infrastructure/redis.js';
import { refuseBeforeRunning } from './refuse-before-running.js';

/**
 * Per API key: so many mutations a second, and so many upstream requests a second. A query is
 * admitted when the key's second still holds its requested cost (counted by use-query-cost.ts,
 * which runs first), and once it has run it is charged what it actually spent (the rest is given
 * back, as Shopify's leaky bucket refunds the difference): a dashboard priced 356 that makes 3
 * requests costs the key 3, so honest clients are not throttled by the worst case they were priced
 * at. A subscription event's upstream requests are spent from the same budget one by one as they
 * are made (see `spendOnEvent`).
 *
 * With Redis the counters are shared by every replica; if Redis fails, each replica goes on
 * counting on its own (rate-limiter-flexible's insurance limiter) rather than refusing everything or
 * nothing. Over the limit: RATE_LIMITED with retryAfterMs, and nothing is sent upstream.
 */
export interface RateLimits {
  mutationsPerSecond: number;
  costPerSecond: number;
}

function limiter(points: number, name: string, redis: RedisConnections | null): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ points, duration: 1, keyPrefix: name });
  if (!redis) return memory;
  return new RateLimiterRedis({ storeClient: redis.commands, points, duration: 1, keyPrefix: redis.key('rate', name), insuranceLimiter: memory });
}

export class KeyRates {
  private readonly mutations: RateLimiterAbstract;
  private readonly cost: RateLimiterAbstract;
  /** What each admitted query holds of its key's second until it has run. */
  private readonly heldFor = new WeakMap<GatewayContext, number>();

  constructor(
    private readonly limits: RateLimits,
    redis: RedisConnections | null,
  ) {
    this.mutations = limiter(limits.mutationsPerSecond, 'mutations', redis);
    this.cost = limiter(limits.costPerSecond, 'cost', redis);
  }

  plugin(): Plugin<GatewayContext> {
    const gate = refuseBeforeRunning((args) => this.check(args));
    const settles = {
      onExecuteDone: ({ args }: { args: ExecutionArgs }) => {
        const ctx = args.contextValue as GatewayContext;
        const held = this.heldFor.get(ctx);
        if (held !== undefined) this.settle(ctx, held);
      },
    };
    return {
      onSubscribe: gate.onSubscribe,
      onExecute: (payload) => {
        const gated = gate.onExecute!(payload);
        return gated instanceof Promise ? gated.then(() => settles) : settles;
      },
    };
  }

  /**
   * Spends one upstream request of a subscription event from its key's second, or refuses it: a
   * key's subscriptions and queries share one budget, so a key cannot multiply its vendor load by
   * holding many subscriptions and having events arrive.
   */
  async spendOnEvent(keyHash: string, providerName: string): Promise<void> {
    try {
      await this.cost.consume(keyHash, 1);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      throw new UpstreamRejection(
        'RATE_LIMITED',
        `${providerName}: this API key has spent its ${this.limits.costPerSecond} upstream requests of this second; the event's payload was not read`,
      );
    }
  }

  /** Null at once when there is nothing to count (a subscription's start, a query priced 0); else what the counter store answers. */
  private check(args: ExecutionArgs): { errors: GraphQLError[] } | null | Promise<{ errors: GraphQLError[] } | null> {
    const ctx = args.contextValue as GatewayContext;
    const operation = operationOf(args.document, args.operationName);
    if (!operation) return null;
    // A subscription is not charged for starting: every read it makes, its current state's and
    // each event's, is spent from the key's budget as it is made (use-subscription-event-costs.ts).
    if (operation.operation === 'subscription') return null;
    const { limits } = this;
    // An operation that costs more than a second's budget takes the whole second's, rather than never running.
    const [bucket, points, what] =
      operation.operation === 'mutation'
        ? [this.mutations, rootFieldsOf(args.document, operation).filter((name) => name !== '__typename').length, `${limits.mutationsPerSecond} mutations`]
        : [this.cost, Math.min(ctx.cost ?? 0, limits.costPerSecond), `a cost of ${limits.costPerSecond} upstream requests`];
    if (points === 0) return null;
    return bucket.consume(ctx.principal.keyHash, points).then(
      () => {
        if (bucket === this.cost) this.heldFor.set(ctx, points);
        return null;
      },
      (rejection: unknown) => {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const retryAfterMs = Math.max(1, rejection.msBeforeNext);
        return {
          errors: [
            new GraphQLError(`This API key is over its limit of ${what} a second; retry in ${retryAfterMs} ms`, {
              extensions: {
                code: 'RATE_LIMITED',
                retryAfterMs,
                http: { status: 429, headers: { 'Retry-After': String(Math.ceil(retryAfterMs / 1000)) } },
              },
            }),
          ],
        };
      },
    );
  }

  /**
   * Charges what an admitted query spent instead of what it was held for: the rest is given back,
   * and a login it had to make on the way (a write the budget never refuses) is added. (A
   * subscription's start is charged its price; its events are spent as they read.)
   */
  private settle(ctx: GatewayContext, held: number): void {
    const unspent = held - (ctx.upstreamBudget?.spent ?? 0);
    const key = ctx.principal.keyHash;
    const settled = unspent > 0 ? this.cost.reward(key, unspent) : unspent < 0 ? this.cost.penalty(key, -unspent) : null;
    // A counter store that fails here leaves the hold in place: the key is charged too much for one second, never too little.
    void settled?.catch(() => undefined);
  }
}
