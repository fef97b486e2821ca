import { initContextCache } from '@pothos/core';
import type { IdempotencyStore } from './core/idempotency.js';
import type { JobTracker } from './core/jobs.js';
import type { Logger } from './core/logger.js';
import type { Tenant } from './core/tenancy.js';

/**
 * What every resolver sees: the tenant the API key names (the only way to reach a provider), the
 * job tracker, the idempotency records, and Pothos' per-request cache that holds this request's DataLoaders.
 */
export interface GatewayContext {
  requestId: string;
  tenant: Tenant;
  jobs: JobTracker;
  idempotency: IdempotencyStore;
  log: Logger;
}

export function createRequestContext(base: Omit<GatewayContext, keyof ReturnType<typeof initContextCache>>): GatewayContext {
  return { ...initContextCache(), ...base };
}
