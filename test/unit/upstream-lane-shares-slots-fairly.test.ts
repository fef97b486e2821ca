import { describe, expect, it } from 'vitest';
import { UpstreamLane } from '../../src/infrastructure/upstream-lane.js';

/** A call that runs until the test ends it, recording when it started. */
function call(started: string[], name: string): { fn: () => Promise<string>; end: () => void } {
  let end!: () => void;
  const done = new Promise<void>((resolve) => (end = resolve));
  return {
    fn: async () => {
      started.push(name);
      await done;
      return name;
    },
    end: () => end(),
  };
}

async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
}

describe('upstream lane shared between callers', () => {
  const settings = { concurrency: 1, maxQueued: 3, queueTimeoutMs: 60_000 };

  it("a caller's burst queues behind itself: another caller's call takes the next free slot, and each caller keeps its own order", async () => {
    const lane = new UpstreamLane('test reads', settings);
    const started: string[] = [];
    const calls = new Map(['a1', 'a2', 'a3', 'a4', 'b1', 'b2'].map((name) => [name, call(started, name)]));
    const runs = ['a1', 'a2', 'a3', 'a4'].map((name) => lane.run(calls.get(name)!.fn, undefined, 'key-a'));
    runs.push(lane.run(calls.get('b1')!.fn, undefined, 'key-b'), lane.run(calls.get('b2')!.fn, undefined, 'key-b'));
    await settle();
    expect(started).toEqual(['a1']);

    for (const name of ['a1', 'b1', 'a2', 'b2', 'a3', 'a4']) {
      calls.get(name)!.end();
      await settle();
    }
    expect(started).toEqual(['a1', 'b1', 'a2', 'b2', 'a3', 'a4']);
    expect(await Promise.all(runs)).toEqual(['a1', 'a2', 'a3', 'a4', 'b1', 'b2']);
  });

  it('the queue bound is per caller: a caller that filled its own is refused, another caller still queues', async () => {
    const lane = new UpstreamLane('test reads', settings);
    const started: string[] = [];
    const calls = new Map(['a0', 'a1', 'a2', 'a3', 'a4', 'b1'].map((name) => [name, call(started, name)]));
    const runs = ['a0', 'a1', 'a2', 'a3'].map((name) => lane.run(calls.get(name)!.fn, undefined, 'key-a'));
    await expect(lane.run(calls.get('a4')!.fn, undefined, 'key-a')).rejects.toMatchObject({ reason: 'QUEUE_FULL' });
    runs.push(lane.run(calls.get('b1')!.fn, undefined, 'key-b'));
    calls.get('a0')!.end();
    await settle();
    expect(started).toEqual(['a0', 'b1']);
    for (const handle of calls.values()) handle.end();
    expect(await Promise.all(runs)).toEqual(['a0', 'a1', 'a2', 'a3', 'b1']);
  });
});
