import { z } from 'zod';
import { DEFAULT_UPSTREAM_SETTINGS, type UpstreamSettings } from './upstream-guard.js';

/**
 * The config file's `upstream` block (gateway-wide) and a provider entry's partial override of it;
 * config.ts merges the two per provider and checks the result against the full schema.
 */

const D = DEFAULT_UPSTREAM_SETTINGS;
const ms = (max: number) => z.number().int().min(0).max(max);
const lane = (defaults: UpstreamSettings['reads']) =>
  z
    .object({
      /** Calls of this kind in flight at once per provider instance. */
      concurrency: z.number().int().min(1).max(1_000).default(defaults.concurrency),
      /** Calls one API key (or the gateway's own polling) may have waiting for a slot; beyond, its next call fails at once with UPSTREAM_BUSY. */
      maxQueued: z.number().int().min(0).max(100_000).default(defaults.maxQueued),
      /** How long a call may wait for a slot (apart from the call's own timeout). */
      queueTimeoutMs: ms(600_000).default(defaults.queueTimeoutMs),
    })
    .strict();

/** Circuit breaker, retries and queues of every provider instance; a provider entry may override any of it. */
export const upstreamSettings = z
  .object({
    circuit: z
      .object({
        failureRatio: z.number().gt(0).max(1).default(D.circuit.failureRatio),
        minimumCalls: z.number().int().min(1).max(10_000).default(D.circuit.minimumCalls),
        windowSize: z.number().int().min(1).max(10_000).default(D.circuit.windowSize),
        /** Failed calls in a row that open the circuit whatever the traffic. */
        consecutiveFailures: z.number().int().min(1).max(10_000).default(D.circuit.consecutiveFailures),
        resetTimeoutMs: ms(3_600_000).min(100).default(D.circuit.resetTimeoutMs),
        /** The deadline of the gateway's own health call that probes an open circuit. */
        probeTimeoutMs: ms(600_000).min(50).default(D.circuit.probeTimeoutMs),
      })
      .strict()
      .refine((c) => c.minimumCalls <= c.windowSize, { message: 'minimumCalls must not exceed windowSize', path: ['minimumCalls'] })
      .default(D.circuit),
    retry: z
      .object({
        maxAttempts: z.number().int().min(1).max(10).default(D.retry.maxAttempts),
        baseDelayMs: ms(60_000).default(D.retry.baseDelayMs),
        maxDelayMs: ms(600_000).default(D.retry.maxDelayMs),
      })
      .strict()
      .default(D.retry),
    reads: lane(D.reads).default(D.reads),
    writes: lane(D.writes).default(D.writes),
    lostCreateGraceMs: ms(86_400_000).default(D.lostCreateGraceMs),
  })
  .strict();

export const upstreamOverride = z
  .object({
    circuit: z.partialRecord(z.enum(['failureRatio', 'minimumCalls', 'windowSize', 'consecutiveFailures', 'resetTimeoutMs', 'probeTimeoutMs']), z.number()).optional(),
    retry: z.partialRecord(z.enum(['maxAttempts', 'baseDelayMs', 'maxDelayMs']), z.number()).optional(),
    reads: z.partialRecord(z.enum(['concurrency', 'maxQueued', 'queueTimeoutMs']), z.number()).optional(),
    writes: z.partialRecord(z.enum(['concurrency', 'maxQueued', 'queueTimeoutMs']), z.number()).optional(),
    lostCreateGraceMs: z.number().optional(),
  })
  .strict();
