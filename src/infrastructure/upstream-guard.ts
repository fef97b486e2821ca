import type { CircuitStatus } from '../domain/provider.js';
import { TransportError, UpstreamRejection } from '../domain/errors.js';
import { currentCall, within } from './call-context.js';
import { systemClock, type Clock } from './clock.js';
import { currentCaller, runInRequestScope, type Logger } from './logger.js';
import { Circuit, type CircuitSettings } from './upstream-circuit.js';
import { UpstreamFailureLog } from './upstream-log.js';
import { UpstreamLane, type LaneSettings } from './upstream-lane.js';

/**
 * What stands between one provider instance and its vendor, shared by every endpoint the provider
 * calls (VBS and EVS hosts, IAM): a circuit breaker (upstream-circuit.ts) that stops calling a
 * vendor that keeps failing, a lane for reads and one for writes, and the failure log.
 *
 * The circuit counts an attempt as failed when no answer came (refused, dropped, timed out) or the
 * answer is not the vendor's (see `isTransientResponse`); a vendor error the vendor explains (a JSON
 * error body) is the vendor working. While open, calls fail at once with CIRCUIT_OPEN; after
 * `resetTimeoutMs` the gateway sends its own health call (the provider's `checkHealth`, within
 * `probeTimeoutMs`) and closes the circuit when it answers. No client call is ever the probe.
 */

export interface UpstreamSettings {
  circuit: CircuitSettings;
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
  circuit: { failureRatio: 0.5, minimumCalls: 20, windowSize: 40, consecutiveFailures: 5, resetTimeoutMs: 5_000, probeTimeoutMs: 2_000 },
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
  private readonly circuitState: Circuit;
  private readonly lanes: Record<CallKind, UpstreamLane>;
  private probe: () => Promise<boolean> = async () => true;

  constructor(
    readonly providerName: string,
    readonly settings: UpstreamSettings = DEFAULT_UPSTREAM_SETTINGS,
    log?: Logger,
    clock: Clock = systemClock,
  ) {
    this.failures = new UpstreamFailureLog(log, providerName);
    const { circuit } = settings;
    this.circuitState = new Circuit(circuit, clock, () => this.runProbe(), {
      opened: () => log?.warn({ provider: providerName, resetTimeoutMs: circuit.resetTimeoutMs }, 'circuit opened: calls fail fast until a health probe answers'),
      closed: () => log?.info({ provider: providerName }, 'circuit closed: the health probe answered'),
    });
    this.lanes = {
      read: new UpstreamLane(`${providerName} reads`, settings.reads),
      write: new UpstreamLane(`${providerName} writes`, settings.writes),
    };
  }

  /**
   * The provider's own cheap health call, sent when an open circuit is due for a probe. Until one
   * is given (an adapter built without a registry), the circuit closes after the reset timeout and
   * the next failures open it again.
   */
  probeWith(healthCheck: () => Promise<boolean>): void {
    this.probe = healthCheck;
  }

  get circuit(): CircuitStatus {
    return this.circuitState.state;
  }

  /** One attempt: through the circuit first (an open one rejects before queueing), then the lane. */
  attempt<T>(kind: CallKind, deadline: number, send: () => Promise<T>): Promise<T> {
    // Set while the probe runs: its calls go out although the circuit is not closed, and count for nothing.
    const isProbe = currentCall()?.probing === true;
    if (!isProbe && !this.circuitState.admit()) return Promise.reject(this.circuitOpen());
    return this.lanes[kind].run(async () => {
      // Admitted again after the queue: the circuit may have opened while the call waited.
      const ticket = isProbe ? null : this.circuitState.admit();
      if (!isProbe && !ticket) throw this.circuitOpen();
      if (deadline - Date.now() < MIN_ATTEMPT_MS) {
        throw new UpstreamRejection('DEADLINE_EXCEEDED', `${this.providerName}: the request's deadline leaves no time for the call`);
      }
      try {
        const result = await send();
        if (ticket) this.circuitState.settle(ticket, isTransientResponse(result as Parameters<typeof isTransientResponse>[0]));
        return result;
      } catch (error) {
        if (ticket) this.circuitState.settle(ticket, isCircuitFailure(error));
        throw error;
      }
    }, deadline, currentCaller());
  }

  /**
   * Waits on a call another caller made (a shared login). For the circuit the waiter has made the
   * call too, and its failure counts: at low traffic every query may be waiting on the one login,
   * and counting that login alone would take a full timeout per failure to open the circuit.
   */
  async waitOnShared<T>(shared: Promise<T>): Promise<T> {
    const ticket = this.circuitState.admit();
    if (!ticket) throw this.circuitOpen();
    try {
      return await shared;
    } catch (error) {
      if (isCircuitFailure(error)) this.circuitState.settle(ticket, true);
      throw error;
    }
  }

  /** No probe after this: the provider is closing. */
  close(): void {
    this.circuitState.dispose();
  }

  private runProbe(): Promise<boolean> {
    const deadline = Date.now() + this.settings.circuit.probeTimeoutMs;
    return within({ probing: true }, () => runInRequestScope(`circuit-probe:${this.providerName}`, () => this.probe(), deadline));
  }

  private circuitOpen(): UpstreamRejection {
    return new UpstreamRejection('CIRCUIT_OPEN', `${this.providerName} is failing; its circuit is open, so the call was not sent`);
  }
}

/** A provider's health check: whether its vendor answers a small read at all (any failure is "no"). */
export function answers(read: () => Promise<unknown>): Promise<boolean> {
  return read().then(
    () => true,
    () => false,
  );
}
