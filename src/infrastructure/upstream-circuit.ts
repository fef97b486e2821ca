import { CircuitState, ConsecutiveBreaker, CountBreaker, type IBreaker } from 'cockatiel';
import type { CircuitStatus } from '../domain/provider.js';
import type { Clock, Timer } from './clock.js';

/**
 * The circuit of one provider instance: CLOSED lets calls through, OPEN fails them at once, and
 * HALF_OPEN is the gateway's own health call (the probe) on its way; client calls fail at once
 * then too. The probe starts `resetTimeoutMs` after the circuit opened; its success closes the
 * circuit, its failure opens it again for another `resetTimeoutMs`.
 *
 * When to open is cockatiel's decision, by whichever of two breakers trips first: a
 * ConsecutiveBreaker (a few failures in a row: a dead vendor is cut off even at one call a minute)
 * and a CountBreaker (the failure rate over a window: a vendor failing every other call under
 * load). The states around them are kept here, because cockatiel's policy cannot do what this
 * needs: it lets the first client call after the reset timeout through as the probe (against a
 * blackholed vendor that call waits its full timeout), it counts the outcome of a call that started
 * before the last state change (a call left over from an outage re-opens a recovered circuit), and
 * it reads `Date.now()` rather than an injected clock.
 */

export interface CircuitSettings {
  /** Share of failed attempts among the last `windowSize` that opens the circuit. */
  failureRatio: number;
  /** Attempts the window must hold before the ratio counts. */
  minimumCalls: number;
  windowSize: number;
  /** Failed attempts in a row that open the circuit, however few calls there are. */
  consecutiveFailures: number;
  /** How long the circuit stays open before the probe. */
  resetTimeoutMs: number;
  /** The probe's deadline: it answers within this, or the vendor counts as still down. */
  probeTimeoutMs: number;
}

export interface CircuitEvents {
  opened(): void;
  closed(): void;
}

/** A call the circuit let through: its outcome counts only while the circuit is still in the state it started in. */
export interface CircuitTicket {
  readonly epoch: number;
}

export class Circuit {
  private status: CircuitStatus = 'CLOSED';
  /** Moves on at every state change; an outcome from an earlier epoch is ignored. */
  private epoch = 0;
  private breakers: IBreaker[];
  private timer: Timer | null = null;
  private closed = false;

  constructor(
    private readonly settings: CircuitSettings,
    private readonly clock: Clock,
    /** The gateway's own short health call; resolves true when the vendor answered. */
    private readonly probe: () => Promise<boolean>,
    private readonly events: CircuitEvents,
  ) {
    this.breakers = this.freshBreakers();
  }

  get state(): CircuitStatus {
    return this.status;
  }

  /** A ticket for a call that may go out now; `null` when the circuit fails calls fast. */
  admit(): CircuitTicket | null {
    return this.status === 'CLOSED' ? { epoch: this.epoch } : null;
  }

  /** Reports how a call admitted with `ticket` ended: `failed` when no answer came or it was not the vendor's. */
  settle(ticket: CircuitTicket, failed: boolean): void {
    if (ticket.epoch !== this.epoch || this.status !== 'CLOSED') return;
    let trips = false;
    for (const breaker of this.breakers) {
      if (!failed) breaker.success(CircuitState.Closed);
      else if (breaker.failure(CircuitState.Closed)) trips = true;
    }
    if (trips) this.open();
  }

  /** Stops the probe timer: a closed provider is not probed. */
  dispose(): void {
    this.closed = true;
    this.timer?.cancel();
    this.timer = null;
  }

  private open(): void {
    this.moveTo('OPEN');
    this.events.opened();
    if (!this.closed) this.timer = this.clock.after(this.settings.resetTimeoutMs, () => void this.runProbe());
  }

  private async runProbe(): Promise<void> {
    this.timer = null;
    const epoch = this.moveTo('HALF_OPEN');
    const healthy = await this.probe().catch(() => false);
    if (epoch !== this.epoch || this.closed) return;
    if (!healthy) {
      this.open();
      return;
    }
    this.breakers = this.freshBreakers();
    this.moveTo('CLOSED');
    this.events.closed();
  }

  private moveTo(status: CircuitStatus): number {
    this.status = status;
    return (this.epoch += 1);
  }

  private freshBreakers(): IBreaker[] {
    const { failureRatio, windowSize, minimumCalls, consecutiveFailures } = this.settings;
    return [
      new ConsecutiveBreaker(consecutiveFailures),
      new CountBreaker({ threshold: failureRatio, size: windowSize, minimumNumberOfCalls: minimumCalls }),
    ];
  }
}
