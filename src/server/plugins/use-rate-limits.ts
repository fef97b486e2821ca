import { GraphQLError, type ExecutionArgs } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { GatewayContext } from '../../schema/context.js';
import { operationOf, rootFieldsOf } from '../../providers/access.js';
import type { RedisConnections } from '../../infrastructure/redis.js';
import { refuseBeforeRunning } from './refuse-before-running.js';

/**
 * Per API key: so many mutations a second, and so much query cost (the upstream requests counted
 * by use-query-cost.ts, which runs first) a second. With Redis the counters are shared by every
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
  return refuseBeforeRunning(check);
}
