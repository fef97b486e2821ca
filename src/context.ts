import { initContextCache } from '@pothos/core';
import type { GraphQLError } from 'graphql';
import type { Principal } from './core/access.js';
import type { IdempotencyStore } from './core/idempotency.js';
import type { JobTracker } from './core/jobs.js';
import type { Logger } from './core/logger.js';
import type { Tenant } from './core/tenancy.js';
import type { StatusWatcher } from './core/watcher.js';

/**
 * What every resolver sees: the tenant the API key names (the only way to reach a provider), the
 * job tracker, the status watcher, the idempotency records, and Pothos' per-request cache that holds this request's DataLoaders.
 */
export interface GatewayContext {
  requestId: string;
  /** The API key's tenant, label and scopes. */
  principal: Principal;
  tenant: Tenant;
  jobs: JobTracker;
  idempotency: IdempotencyStore;
  /** Live status: subscriptions read the current state and the changes from it. */
  watcher: StatusWatcher;
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
}

export function createRequestContext(
  base: Omit<GatewayContext, keyof ReturnType<typeof initContextCache> | 'partialFailures'>,
): GatewayContext {
  return { ...initContextCache(), ...base, partialFailures: [] };
}
