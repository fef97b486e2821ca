import { describe, expect, it } from 'vitest';
import { requestGrowth, runSoak } from '../../scripts/soak/run-soak.js';

/**
 * The CI-sized fault soak (`npm run soak` runs the full one): about 500 mutations of every vendor
 * through ~10 % injected faults of every kind, clients retrying with the same idempotency key.
 */
describe('fault soak (CI size)', () => {
  it('500 mutations through faults: no crash, no unhandled rejection, no duplicate vendor resource, every job terminal, bounded memory and flat vendor traffic', async () => {
    const report = await runSoak({ mutations: 500, concurrency: 32, faultRate: 0.1, timeoutMs: 1_000, jobWaitMs: 20_000 });
    expect(report.uncaughtExceptions).toBe(0);
    expect(report.unhandledRejections).toBe(0);
    // Every simulator's ledger, TaurusDB's included (its creates answer 201).
    expect(report.duplicates).toEqual([]);
    expect(report.vendorCreations).toBeGreaterThan(300);
    expect(report.jobsNeverTerminal).toBe(0);
    // Faults were really injected and met: answers other than OK, and retries by the clients.
    expect(Object.keys(report.answers).length).toBeGreaterThan(1);
    // Every mutation got a final answer; nearly all of them succeeded despite the faults.
    expect(Object.values(report.outcomes).reduce((sum, n) => sum + n, 0)).toBe(500);
    expect(report.outcomes.OK ?? 0, `final answers: ${JSON.stringify(report.outcomes)}`).toBeGreaterThan(450);
    expect(report.heapAfterMb - report.heapBeforeMb).toBeLessThan(150);
    // Vendor traffic per mutation does not grow as the run goes: what settled left the watch lists.
    expect(requestGrowth(report)).toBeLessThanOrEqual(1.5);
    // Expected failures are warnings, never error lines.
    expect(Object.keys(report.logLines).filter((label) => label.startsWith('50:'))).toEqual([]);
  }, 90_000);
});
