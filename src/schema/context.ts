import { initContextCache } from '@pothos/core';
import type { GraphQLError } from 'graphql';
import type { IdempotencyStore } from '../infrastructure/idempotency.js';
import type { Jobs } from '../live/jobs.js';
import type { LiveView } from '../live/live.js';
import type { Logger } from '../infrastructure/logger.js';
import type { Tenant } from '../providers/tenancy.js';
import type { Principal } from '../providers/access.js';
import type { UpstreamBudget } from '../infrastructure/upstream-budget.js';

/**
 * What every resolver sees: the tenant the API key names (the only way to reach a provider), the
 * jobs, live status, the idempotency records, and Pothos' per-request cache that holds this request's DataLoaders.
 */
export interface GatewayContext {
  requestId: string;
  /** The API key's tenant, label and scopes. */
  principal: Principal;
  tenant: Tenant;
  jobs: Jobs;
  idempotency: IdempotencyStore;
  /** Live status: subscriptions read the current state and the changes from it; queries report what they read. */
  live: LiveView;
  log: Logger;
  /** The audit channel: one line per mutation attempt (plugins/use-audit-log.ts). */
  audit: Logger;
  /**
   * Providers that failed while others answered a list: reported as errors next to the data
   * (see plugins/use-partial-failures.ts) instead of failing the whole field.
   */
  partialFailures: GraphQLError[];
  /** Upstream requests this operation may cost at most, counted before it runs (plugins/use-query-cost.ts). */
  cost?: number;
  /** A subscription's: upstream requests one event's payload may cost (plugins/use-query-cost.ts). */
  eventCost?: number;
  /** What the operation has spent upstream while it runs (plugins/use-upstream-budget.ts). */
  upstreamBudget?: UpstreamBudget;
}

export function createRequestContext(
  base: Omit<GatewayContext, keyof ReturnType<typeof initContextCache> | 'partialFailures'>,
): GatewayContext {
  return { ...initContextCache(), ...base, partialFailures: [] };
}

/**
 * The context one execution of a subscription's payload runs with: the subscription's, with
 * DataLoaders and partial failures of its own. Loaders kept in the subscription's context would
 * answer later events from what the first one read, and would live as long as the subscription.
 */
export function contextForOneExecution(context: GatewayContext): GatewayContext {
  return { ...context, ...initContextCache(), partialFailures: [] };
}
