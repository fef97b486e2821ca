import { GraphQLError, type ExecutionArgs } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { GatewayContext } from '../../schema/context.js';
import { operationOf, rootFieldsOf } from '../../providers/access.js';
import type { RedisConnections } from '../../infrastructure/redis.js';
import { refuseBeforeRunning } from './refuse-before-running.js';

/**
 * Per API key: so many mutations a second, and so many upstream requests a second. A query is
 * admitted when the key's second still holds its requested cost (counted by use-query-cost.ts,
 * which runs first), and once it has run it is charged what it actually spent (the rest is given
 * back, as Shopify's leaky bucket refunds the difference): a dashboard priced 356 that makes 3
 * requests costs the key 3, so honest clients are not throttled by the worst case they were priced at. With Redis the counters are shared by every
 * replica; if Redis fails, each replica goes on counting on its own (rate-limiter-flexible's
 * insurance limiter) rather than refusing everything or nothing. Over the limit: RATE_LIMITED with
 * retryAfterMs, and nothing is sent upstream.
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

export function useRateLimits(limits: RateLimits, redis: RedisConnections | null): Plugin<GatewayContext> {
  const mutations = limiter(limits.mutationsPerSecond, 'mutations', redis);
  const cost = limiter(limits.costPerSecond, 'cost', redis);

  /** What each admitted query holds of its key's second until it has run. */
  const heldFor = new WeakMap<GatewayContext, number>();
  /**
   * Charges what an admitted query spent instead of what it was held for: the rest is given back,
   * and a login it had to make on the way (a write the budget never refuses) is added.
   */
  const settle = (ctx: GatewayContext, held: number) => {
    const unspent = held - (ctx.upstreamBudget?.spent ?? 0);
    const settled = unspent > 0 ? cost.reward(ctx.principal.keyHash, unspent) : unspent < 0 ? cost.penalty(ctx.principal.keyHash, -unspent) : null;
    // A counter store that fails here leaves the hold in place: the key is charged too much for one second, never too little.
    void settled?.catch(() => undefined);
  };

  const check = async (args: ExecutionArgs): Promise<{ errors: GraphQLError[] } | null> => {
    const ctx = args.contextValue as GatewayContext;
    const operation = operationOf(args.document, args.operationName);
    if (!operation) return null;
    // An operation that costs more than a second's budget takes the whole second's, rather than never running.
    const [bucket, points, what] =
      operation.operation === 'mutation'
        ? [mutations, rootFieldsOf(args.document, operation).filter((name) => name !== '__typename').length, `${limits.mutationsPerSecond} mutations`]
        : [cost, Math.min(ctx.cost ?? 0, limits.costPerSecond), `a cost of ${limits.costPerSecond} upstream requests`];
    if (points === 0) return null;
    try {
      await bucket.consume(ctx.principal.keyHash, points);
      if (bucket === cost) heldFor.set(ctx, points);
      return null;
    } catch (rejection) {
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
    }
  };
  const gate = refuseBeforeRunning(check);
  return {
    onSubscribe: gate.onSubscribe,
    async onExecute(payload) {
      await gate.onExecute!(payload);
      return {
        onExecuteDone({ args }) {
          const ctx = args.contextValue as GatewayContext;
          const held = heldFor.get(ctx);
          if (held !== undefined) settle(ctx, held);
        },
      };
    },
  };
}
