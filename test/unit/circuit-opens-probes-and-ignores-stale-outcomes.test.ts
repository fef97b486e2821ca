import { describe, expect, it } from 'vitest';
import { Circuit, type CircuitSettings, type CircuitTicket } from '../../src/infrastructure/upstream-circuit.js';
import { ManualClock } from '../support/manual-clock.js';

const SETTINGS: CircuitSettings = { failureRatio: 0.5, minimumCalls: 4, windowSize: 8, consecutiveFailures: 3, resetTimeoutMs: 1_000, probeTimeoutMs: 500 };

/** A circuit whose probe the test answers. */
function circuitUnderTest(settings: CircuitSettings = SETTINGS) {
  const clock = new ManualClock();
  const probes: ((healthy: boolean) => void)[] = [];
  const events: string[] = [];
  const circuit = new Circuit(settings, clock, () => new Promise<boolean>((resolve) => probes.push(resolve)), {
    opened: () => events.push('opened'),
    closed: () => events.push('closed'),
  });
  const call = (failed: boolean) => circuit.settle(circuit.admit()!, failed);
  return { clock, probes, events, circuit, call };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('the circuit of one provider', () => {
  it('opens after a few failures in a row, however few calls there are', () => {
    const { circuit, call } = circuitUnderTest();
    call(true);
    call(true);
    expect(circuit.state).toBe('CLOSED');
    call(true);
    expect(circuit.state).toBe('OPEN');
    expect(circuit.admit()).toBeNull();
  });

  it('opens on the failure rate when failures do not come in a row', () => {
    const { circuit, call } = circuitUnderTest();
    for (const failed of [false, false, true, false, false, true, true]) call(failed);
    expect(circuit.state).toBe('CLOSED');
    // Two in a row, but 4 failures of the last 8.
    call(true);
    expect(circuit.state).toBe('OPEN');
  });

  it('probes after the reset timeout with its own call: a failed probe opens it again, an answered one closes it', async () => {
    const { clock, probes, events, circuit, call } = circuitUnderTest();
    for (let n = 0; n < 3; n += 1) call(true);
    clock.advance(999);
    expect(probes).toHaveLength(0);
    clock.advance(1);
    expect(circuit.state).toBe('HALF_OPEN');
    expect(circuit.admit()).toBeNull();

    probes[0]!(false);
    await settled();
    expect(circuit.state).toBe('OPEN');
    clock.advance(1_000);
    probes[1]!(true);
    await settled();
    expect(circuit.state).toBe('CLOSED');
    expect(events).toEqual(['opened', 'opened', 'closed']);
    // Closed afresh: it takes a full run of failures to open again.
    call(true);
    call(true);
    expect(circuit.state).toBe('CLOSED');
  });

  it('ignores the outcome of a call that started before the last state change', async () => {
    const { clock, probes, circuit, call } = circuitUnderTest({ ...SETTINGS, consecutiveFailures: 1 });
    const leftOver: CircuitTicket = circuit.admit()!;
    call(true);
    clock.advance(1_000);
    probes[0]!(true);
    await settled();
    expect(circuit.state).toBe('CLOSED');
    circuit.settle(leftOver, true);
    expect(circuit.state).toBe('CLOSED');
  });

  it('is not probed once disposed', () => {
    const { clock, probes, circuit, call } = circuitUnderTest();
    for (let n = 0; n < 3; n += 1) call(true);
    circuit.dispose();
    clock.advance(10_000);
    expect(probes).toHaveLength(0);
  });
});
