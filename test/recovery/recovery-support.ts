import { expect } from 'vitest';
import {
  JobStatusDocument,
  RestoreBackupDocument,
  RestoreDatabaseToPointInTimeDocument,
  RestoreVmBackupDocument,
  RevertVolumeToSnapshotDocument,
  type RestoreBackupInput,
  type RestoreBackupMutation,
  type RestoreDatabaseToPointInTimeInput,
  type RestoreDatabaseToPointInTimeMutation,
  type RestoreVmBackupInput,
  type RestoreVmBackupMutation,
  type RevertVolumeToSnapshotInput,
  type RevertVolumeToSnapshotMutation,
} from '../../schema/client/graphql.js';
import { decodeGlobalId, splitJobLocalId } from '../../src/domain/ids.js';
import type { Stack } from '../support/stack.js';

/** The recovery operations a console sends (schema/operations/recovery.graphql), sent over HTTP. */

export type RestoreBackupResult = RestoreBackupMutation['restoreBackup'];
export type RestoreVmBackupResult = RestoreVmBackupMutation['restoreVmBackup'];
export type RevertResult = RevertVolumeToSnapshotMutation['revertVolumeToSnapshot'];
export type PointInTimeResult = RestoreDatabaseToPointInTimeMutation['restoreDatabaseToPointInTime'];

async function send<T>(request: Promise<{ body: { data?: T | null; errors?: unknown[] } }>): Promise<T> {
  const response = await request;
  expect(response.body.errors).toBeUndefined();
  return response.body.data!;
}

export const restoreBackup = async (stack: Stack, input: RestoreBackupInput, apiKey?: string): Promise<RestoreBackupResult> =>
  (await send(stack.graphql(RestoreBackupDocument, { input }, { apiKey }))).restoreBackup;

export const restoreVmBackup = async (stack: Stack, input: RestoreVmBackupInput): Promise<RestoreVmBackupResult> =>
  (await send(stack.graphql(RestoreVmBackupDocument, { input }))).restoreVmBackup;

export const revertVolumeToSnapshot = async (stack: Stack, input: RevertVolumeToSnapshotInput): Promise<RevertResult> =>
  (await send(stack.graphql(RevertVolumeToSnapshotDocument, { input }))).revertVolumeToSnapshot;

export const restoreToPointInTime = async (stack: Stack, input: RestoreDatabaseToPointInTimeInput): Promise<PointInTimeResult> =>
  (await send(stack.graphql(RestoreDatabaseToPointInTimeDocument, { input }))).restoreDatabaseToPointInTime;

/** The job of a success result; anything else fails the test with what came back. */
export function jobOf(result: { __typename: string; job?: { id: string; status: string; operation: string } }): { id: string; status: string; operation: string } {
  if (!result.job) throw new Error(`expected a success, got ${JSON.stringify(result)}`);
  return result.job;
}

/** Waits for the gateway's tracker to see the job end (an event, not a poll), then reads it through GraphQL. */
export async function finished(stack: Stack, jobId: string) {
  const { providerKey, vendorId } = splitJobLocalId(decodeGlobalId(jobId).id)!;
  await stack.gateway.jobs.whenFinished(providerKey, vendorId);
  const response = await stack.graphql(JobStatusDocument, { id: jobId });
  expect(response.body.errors).toBeUndefined();
  return response.body.data!.job!;
}

/** Upstream requests as `METHOD path` lines, polls of jobs left out. */
export function calls(stack: Stack): string[] {
  return stack
    .upstreamRequests()
    .filter((r) => !r.path.includes('/api-jobs/') && !r.path.includes('/jobs'))
    .map((r) => `${r.vendor} ${r.method} ${r.path}`);
}

/** Requests that could change something upstream (every restore is one of these). */
export function writes(stack: Stack): string[] {
  return stack
    .upstreamRequests()
    .filter((r) => r.method !== 'GET' && !r.path.endsWith('/accounts/login') && !r.path.includes('/auth/tokens'))
    .map((r) => `${r.vendor} ${r.method} ${r.path}`);
}
