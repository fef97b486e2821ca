import { describe, expect, it } from 'vitest';
import { eventStream, isPushing, type EventStreamOptions } from '../../src/live/event-stream.js';
import { MemoryBus, type Bus, type Listener, type Topic } from '../../src/live/pubsub.js';

interface Change {
  id: string;
  status: string;
}

/** A MemoryBus that counts the listeners it holds. */
class CountingBus extends MemoryBus {
  listening = 0;

  override listen<P>(topic: Topic<P>, listener: Listener<P>): () => void {
    this.listening += 1;
    const unlisten = super.listen(topic, listener);
    return () => {
      this.listening -= 1;
      unlisten();
    };
  }
}

let selections = 0;

/** A stream of the changes to `ids` heard on `topic`, with a selection key if `keyed`. */
function changes(bus: Bus, topic: Topic<Change>, ids: string[], keyed: boolean, last?: string): EventStreamOptions<Change, Change> {
  return {
    bus,
    topics: [topic],
    select: (change) => {
      selections += 1;
      return ids.includes(change.id) ? change : null;
    },
    selectionKey: keyed ? ids.join(',') : undefined,
    initial: async () => [],
    identity: (change) => change.id,
    fingerprint: (change) => change.status,
    isLast: (change) => change.status === last,
    maxBuffered: 10,
  };
}

/** What a stream pushes, as `id:status` strings, and whether it has ended. */
function received(options: EventStreamOptions<Change, Change>): { items: string[]; ended: boolean; end(): Promise<unknown> } {
  const stream = eventStream(options);
  const seen = { items: [] as string[], ended: false, end: () => stream.return!() };
  if (!isPushing(stream)) throw new Error('event streams push');
  stream.pushTo({
    receive: (item) => {
      if (item.done) seen.ended = true;
      else if ('id' in item.value) seen.items.push(`${item.value.id}:${item.value.status}`);
      return true;
    },
  });
  return seen;
}

describe('the event streams of one topic', () => {
  it('get each change they select exactly once and in order, selected once per selection key', async () => {
    const bus = new CountingBus();
    const topic = 'changes' as Topic<Change>;
    const a1 = received(changes(bus, topic, ['a'], true));
    const a2 = received(changes(bus, topic, ['a'], true));
    const ab = received(changes(bus, topic, ['a', 'b'], true));
    const b = received(changes(bus, topic, ['b'], false));
    await Promise.resolve(); // the (empty) current states
    expect(bus.listening).toBe(1);

    selections = 0;
    const published: Change[] = [
      { id: 'a', status: 'Creating' },
      { id: 'b', status: 'Creating' },
      { id: 'a', status: 'Creating' }, // the same again: not delivered twice
      { id: 'a', status: 'Ready' },
      { id: 'b', status: 'Ready' },
    ];
    for (const change of published) bus.publish(topic, change);

    expect(a1.items).toEqual(['a:Creating', 'a:Ready']);
    expect(a2.items).toEqual(['a:Creating', 'a:Ready']);
    expect(ab.items).toEqual(['a:Creating', 'b:Creating', 'a:Ready', 'b:Ready']);
    expect(b.items).toEqual(['b:Creating', 'b:Ready']);
    // Three groups (key "a", key "a,b", the unkeyed stream): three selections per change, not four.
    expect(selections).toBe(3 * published.length);
  });

  it('go on delivering to a group when one of its streams ends within a delivery, and leave the bus when the last ends', async () => {
    const bus = new CountingBus();
    const topic = 'changes' as Topic<Change>;
    const ending = received(changes(bus, topic, ['a'], true, 'Ready'));
    const staying = received(changes(bus, topic, ['a'], true));
    await Promise.resolve();

    bus.publish(topic, { id: 'a', status: 'Ready' });
    bus.publish(topic, { id: 'a', status: 'Failed' });

    expect([ending.items, ending.ended]).toEqual([['a:Ready'], true]);
    expect([staying.items, staying.ended]).toEqual([['a:Ready', 'a:Failed'], false]);
    expect(bus.listening).toBe(1);

    await staying.end();
    expect(staying.ended).toBe(true);
    expect(bus.listening).toBe(0);
    // A stream that comes afterwards listens anew.
    const later = received(changes(bus, topic, ['a'], true));
    await Promise.resolve();
    bus.publish(topic, { id: 'a', status: 'Ready' });
    expect(later.items).toEqual(['a:Ready']);
    await later.end();
    expect(bus.listening).toBe(0);
  });
});
