import type { BackupProvider, ProviderKey } from '../domain/provider.js';
import type { Clock, Timer } from '../infrastructure/clock.js';
import { outsideRequestScope, type Logger } from '../infrastructure/logger.js';
import { pollRound, type RoundResult } from './poll-round.js';
import type { Sightings, WatchList } from './sightings.js';

/**
 * Polls one provider instance while this replica holds its lease, on an interval that stays short
 * while something moves and doubles up to the maximum while nothing does (or while the vendor
 * fails: a vendor in trouble is not pressed harder). Time comes from the injected clock.
 */

export interface PollerSettings {
  minIntervalMs: number;
  maxIntervalMs: number;
}

export interface TickReport {
  providerKey: ProviderKey;
  /** Something is still moving (or just changed): the next tick comes after the minimum interval. */
  moving: boolean;
  changes: number;
  nextIntervalMs: number;
  /** How late the round started after it was due. */
  lagMs: number;
  /** The vendor (or the watch registry) failed this round. */
  failed: boolean;
}

export interface PollerOptions {
  provider: BackupProvider;
  watchList: WatchList;
  sightings: Sightings;
  clock: Clock;
  log: Logger;
  settings: PollerSettings;
  /** This provider's jobs report their end by callback: they are polled only as a fallback. */
  hooked: boolean;
  /** Hears every round (tests count upstream calls per round). */
  onTick(report: TickReport): void;
}

/** The interval after a round: the minimum while something moves, else twice the last, up to the maximum. */
export function nextIntervalMs(current: number, round: RoundResult & { woken: boolean }, settings: PollerSettings): number {
  const fast = !round.failed && (round.moving || round.changes > 0 || round.woken);
  return fast ? settings.minIntervalMs : Math.min(settings.maxIntervalMs, current * 2);
}

export class ProviderPoller {
  private active = false;
  private timer: Timer | null = null;
  private dueAt = 0;
  private ticking: Promise<void> | null = null;
  private woken = false;
  private intervalMs: number;
  private lastHookedPoll = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: PollerOptions) {
    this.intervalMs = options.settings.minIntervalMs;
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    this.intervalMs = this.options.settings.minIntervalMs;
    this.schedule(0);
  }

  /** This replica holds the provider's lease and polls it. */
  get polling(): boolean {
    return this.active;
  }

  async stop(): Promise<void> {
    this.active = false;
    this.timer?.cancel();
    this.timer = null;
    await this.ticking;
  }

  /** Something new to watch: poll soon, and fast again. */
  wake(): void {
    if (!this.active) return;
    const { minIntervalMs } = this.options.settings;
    this.intervalMs = minIntervalMs;
    if (this.ticking) {
      this.woken = true;
    } else if (this.timer && this.dueAt - this.options.clock.now() > minIntervalMs) {
      this.timer.cancel();
      this.schedule(minIntervalMs);
    }
  }

  private schedule(delayMs: number): void {
    this.dueAt = this.options.clock.now() + delayMs;
    // A mutation's wake() schedules the tick: it must not run with that request's id and deadline.
    this.timer = outsideRequestScope(() => this.options.clock.after(delayMs, () => {
      this.timer = null;
      this.ticking = this.tick().finally(() => {
        this.ticking = null;
        if (this.active) this.schedule(this.intervalMs);
      });
    }));
  }

  private async tick(): Promise<void> {
    const { provider, clock, settings, hooked } = this.options;
    const lagMs = Math.max(0, clock.now() - this.dueAt);
    this.woken = false;
    if (provider.circuit() === 'OPEN') {
      // The vendor is failing and its circuit rejects calls anyway: back off until a probe may pass.
      this.intervalMs = Math.min(settings.maxIntervalMs, this.intervalMs * 2);
      this.options.onTick({ providerKey: provider.key, moving: false, changes: 0, nextIntervalMs: this.intervalMs, lagMs, failed: true });
      return;
    }
    // Jobs that report their end by callback are still polled now and then, in case a callback is lost.
    const pollHookedJobs = hooked && clock.now() - this.lastHookedPoll >= settings.maxIntervalMs;
    if (pollHookedJobs) this.lastHookedPoll = clock.now();
    const round = await pollRound({ ...this.options, pollHookedJobs });
    this.intervalMs = nextIntervalMs(this.intervalMs, { ...round, woken: this.woken }, settings);
    this.options.onTick({ providerKey: provider.key, moving: round.moving, changes: round.changes, nextIntervalMs: this.intervalMs, lagMs, failed: round.failed });
  }
}
