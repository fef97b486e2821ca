import { initContextCache } from '@pothos/core';
import type { GraphQLError } from 'graphql';
import type { IdempotencyStore } from '../infrastructure/idempotency.js';
import type { JobTracker } from '../live/jobs.js';
import type { Logger } from '../infrastructure/logger.js';
import type { Tenant } from '../providers/tenancy.js';
import type { StatusWatcher } from '../live/watcher.js';

/**
 * What every resolver sees: the tenant the API key names (the only way to reach a provider), the
 * job tracker, the status watcher, the idempotency records, and Pothos' per-request cache that holds this request's DataLoaders.
 */
export interface GatewayContext {
  requestId: string;
  tenant: Tenant;
  jobs: JobTracker;
  idempotency: IdempotencyStore;
  /** Live status: subscriptions read the current state and the changes from it. */
  watcher: StatusWatcher;
  /** Tags every line with `requestId`. */
  log: Logger;
  /**
   * Providers that failed while others answered a list: reported as errors next to the data
   * (see plugins/use-partial-failures.ts) instead of failing the whole field.
   */
  partialFailures: GraphQLError[];
}

export function createRequestContext(
  base: Omit<GatewayContext, keyof ReturnType<typeof initContextCache> | 'partialFailures'>,
): GatewayContext {
  // The request's own logger: every line it writes carries the request id.
  return { ...initContextCache(), ...base, log: base.log.child({ requestId: base.requestId }), partialFailures: [] };
}
