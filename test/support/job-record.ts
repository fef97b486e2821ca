import { startedJobRecord } from '../../src/domain/job-progress.js';
import type { JobOperation, JobRecord, ResourceRef } from '../../src/domain/provider.js';

/** The record the gateway keeps of a job an adapter started: what `pollJob` is given. */
export function jobRecord(started: { vendorJobId: string; operation: string; resource?: ResourceRef | null }): JobRecord {
  return startedJobRecord('test/provider', { resource: null, ...started, operation: started.operation as JobOperation }, new Date().toISOString());
}
