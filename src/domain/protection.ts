import type { BackupPolicyRecord } from './backup-policy.js';
import { HOUR_MS, longestGap, nextRunAfter } from './schedule.js';

/**
 * Whether a volume or database instance is protected (schema contract, "Protection"): an enabled
 * policy covers it and its newest AVAILABLE backup is younger than that policy's longest gap between
 * runs plus a grace of max(1 h, 10 % of the gap), since vendors start a run anywhere inside its hour.
 */

/** Vendor pages of volumes or instances one protection report call reads at most before it answers with where to go on. */
export const REPORT_SCAN_PAGES = 5;

export type ProtectionState = 'PROTECTED' | 'STALE' | 'UNPROTECTED';

export interface Protection {
  state: ProtectionState;
  lastBackupAt: string | null;
  nextBackupAt: string | null;
  policies: BackupPolicyRecord[];
}

/** How old the newest backup may be while the policy still protects. */
export function allowedAge(gapMs: number): number {
  return gapMs + Math.max(HOUR_MS, gapMs / 10);
}

/**
 * `policies`: those covering the resource (enabled or not); `lastBackupAt`: createdAt of its newest
 * AVAILABLE backup. A covered resource is also PROTECTED while a policy could not have run yet (its
 * createdAt is known and younger than the allowed age).
 */
export function protectionOf(policies: BackupPolicyRecord[], lastBackupAt: string | null, nowMs: number): Protection {
  const enabled = policies.filter((policy) => policy.enabled);
  const nextRuns = enabled.map((policy) => nextRunAfter(policy.runs, nowMs)).filter((at): at is number => at !== null);
  const nextBackupAt = nextRuns.length ? new Date(Math.min(...nextRuns)).toISOString() : null;
  if (enabled.length === 0) return { state: 'UNPROTECTED', lastBackupAt, nextBackupAt, policies };
  const ages = enabled.map((policy) => {
    const gap = longestGap(policy.runs, nowMs);
    return { policy, age: gap === null ? null : allowedAge(gap) };
  });
  const fresh = ages.some(({ policy, age }) => {
    if (age === null) return false;
    // A policy made after the newest backup has had no run due before its first gap is over.
    const since = Math.max(lastBackupAt === null ? -Infinity : Date.parse(lastBackupAt), policy.createdAt === null ? -Infinity : Date.parse(policy.createdAt));
    return nowMs - since <= age;
  });
  return { state: fresh ? 'PROTECTED' : 'STALE', lastBackupAt, nextBackupAt, policies };
}
