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
  /** The label of the API key the request came with (never the key). */
  keyLabel?: string;
  jobs: JobTracker;
  idempotency: IdempotencyStore;
  /** Live status: subscriptions read the current state and the changes from it. */
  watcher: StatusWatcher;
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
  return { ...initContextCache(), ...base, partialFailures: [] };
}
