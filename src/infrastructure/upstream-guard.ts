import type { CircuitStatus } from '../domain/provider.js';
import { BrokenCircuitError, CircuitState, CountBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import { TransportError, UpstreamRejection } from '../domain/errors.js';
import type { Logger } from './logger.js';
import { UpstreamFailureLog } from './upstream-log.js';
import { UpstreamLane, type LaneSettings } from './upstream-lane.js';

/**
 * What stands between one provider instance and its vendor, shared by every endpoint the provider
 * calls (VBS and EVS hosts, IAM): a circuit breaker (cockatiel) that stops calling a vendor that
 * keeps failing, a lane for reads and one for writes, and the failure log.
 *
 * The circuit counts an attempt as failed when no answer came (refused, dropped, timed out) or the
 * answer is not the vendor's (see `isTransientResponse`); a vendor error the vendor explains (a JSON
 * error body) is the vendor working. While open, calls fail at once with CIRCUIT_OPEN; after
 * `resetTimeoutMs` one call goes through as the probe, and its success closes the circuit. Calls
 * that arrive while the probe is out fail at once too (cockatiel would park them behind the probe,
 * which against a blackholed vendor means a full timeout).
 */

export interface UpstreamSettings {
  circuit: {
    /** Share of failed attempts among the last `windowSize` that opens the circuit. */
    failureRatio: number;
    /** Attempts the window must hold before the ratio counts. */
    minimumCalls: number;
    windowSize: number;
    /** How long the circuit stays open before a probe. */
    resetTimeoutMs: number;
  };
  retry: {
    /** Attempts per call, the first included; only calls that cannot duplicate anything are retried. */
    maxAttempts: number;
    baseDelayMs: number;
    maxDelayMs: number;
  };
  reads: LaneSettings;
  writes: LaneSettings;
  /**
   * A create the vendor cannot deduplicate whose answer was lost is looked for this long before its
   * job ends UNKNOWN (providers/huawei/unconfirmed-creates.ts).
   */
  lostCreateGraceMs: number;
}

export const DEFAULT_UPSTREAM_SETTINGS: UpstreamSettings = {
  circuit: { failureRatio: 0.5, minimumCalls: 20, windowSize: 40, resetTimeoutMs: 5_000 },
  retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 2_000 },
  reads: { concurrency: 16, maxQueued: 256, queueTimeoutMs: 2_000 },
  writes: { concurrency: 8, maxQueued: 256, queueTimeoutMs: 2_000 },
  lostCreateGraceMs: 60_000,
};

export type { CircuitStatus };
/** An attempt needs at least this much of the request's deadline left to be worth sending. */
export const MIN_ATTEMPT_MS = 50;
export type CallKind = 'read' | 'write';

/** A status that says the answer did not come from the vendor's application, or asks to come back later. */
export function isTransientResponse(response: { status: number; text: string; headers: Record<string, unknown> }): boolean {
  if (response.status === 429 || response.status === 502 || response.status === 504) return true;
  if (response.status !== 500 && response.status !== 503) return false;
  if (response.headers['retry-after'] !== undefined) return true;
  try {
    JSON.parse(response.text);
    return false;
  } catch {
    return true;
  }
}

export function isCircuitFailure(error: unknown): boolean {
  return error instanceof TransportError && !(error instanceof UpstreamRejection);
}

export class UpstreamGuard {
  readonly failures: UpstreamFailureLog;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly lanes: Record<CallKind, UpstreamLane>;
  private openedAt = 0;

  constructor(
    readonly providerName: string,
    readonly settings: UpstreamSettings = DEFAULT_UPSTREAM_SETTINGS,
    log?: Logger,
  ) {
    this.failures = new UpstreamFailureLog(log, providerName);
    const { circuit } = settings;
    this.breaker = circuitBreaker(
      handleWhen(isCircuitFailure).orWhenResult((result) => isTransientResponse(result as Parameters<typeof isTransientResponse>[0])),
      {
        halfOpenAfter: circuit.resetTimeoutMs,
        breaker: new CountBreaker({ threshold: circuit.failureRatio, size: circuit.windowSize, minimumNumberOfCalls: circuit.minimumCalls }),
      },
    );
    this.breaker.onBreak(() => {
      this.openedAt = Date.now();
      log?.warn({ provider: providerName, resetTimeoutMs: circuit.resetTimeoutMs }, 'circuit opened: calls fail fast until a probe succeeds');
    });
    this.breaker.onReset(() => log?.info({ provider: providerName }, 'circuit closed: the probe succeeded'));
    this.lanes = {
      read: new UpstreamLane(`${providerName} reads`, settings.reads),
      write: new UpstreamLane(`${providerName} writes`, settings.writes),
    };
  }

  /** OPEN until the reset timeout has passed; then HALF_OPEN (the next call is the probe) until it answers. */
  get circuit(): CircuitStatus {
    switch (this.breaker.state) {
      case CircuitState.Closed:
        return 'CLOSED';
      case CircuitState.HalfOpen:
        return 'HALF_OPEN';
      default:
        return Date.now() - this.openedAt >= this.settings.circuit.resetTimeoutMs ? 'HALF_OPEN' : 'OPEN';
    }
  }

  /** One attempt: through the circuit first (an open one rejects before queueing), then the lane. */
  attempt<T>(kind: CallKind, deadline: number, send: () => Promise<T>): Promise<T> {
    if (this.failsFast()) return Promise.reject(this.circuitOpen());
    return this.lanes[kind].run(async () => {
      if (this.failsFast()) throw this.circuitOpen();
      // Checked before the breaker: a rejection inside it would count as the probe's answer.
      if (deadline - Date.now() < MIN_ATTEMPT_MS) {
        throw new UpstreamRejection('DEADLINE_EXCEEDED', `${this.providerName}: the request's deadline leaves no time for the call`);
      }
      try {
        return await this.breaker.execute(send);
      } catch (error) {
        if (error instanceof BrokenCircuitError) throw this.circuitOpen();
        throw error;
      }
    }, deadline);
  }

  /** Open and not yet due for a probe, or the probe is out. */
  private failsFast(): boolean {
    return this.breaker.state === CircuitState.HalfOpen || this.circuit === 'OPEN';
  }

  private circuitOpen(): UpstreamRejection {
    return new UpstreamRejection('CIRCUIT_OPEN', `${this.providerName} is failing; its circuit is open, so the call was not sent`);
  }
}
