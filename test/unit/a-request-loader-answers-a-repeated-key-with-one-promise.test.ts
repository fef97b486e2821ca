import { createContextCache } from '@pothos/core';
import DataLoader from 'dataloader';
import { describe, expect, it } from 'vitest';
import { sharingLoads } from '../../src/schema/loading.js';

/** A request's loader as the node refs make it (sharingLoads over a per-context DataLoader), and the keys each batch asked for. */
function loaderWithBatches(answer: (key: string) => string | Error = (key) => `record ${key}`) {
  const batches: string[][] = [];
  const loaderOf = sharingLoads(
    createContextCache((_ctx: object) => new DataLoader<string, string>(async (keys) => (batches.push([...keys]), keys.map(answer)))),
  );
  return { loaderOf, batches };
}

describe('a request loader answers a repeated key with the promise of its first load', () => {
  it('gives the same promise for a repeated key, one batch for all, and a loader of its own to each request', async () => {
    const { loaderOf, batches } = loaderWithBatches();
    const request = {};
    const loader = loaderOf(request);
    expect(loaderOf(request)).toBe(loader);
    const first = loader.load('a');
    expect(loader.load('a')).toBe(first);
    expect(await Promise.all([first, loader.load('b'), loader.load('a')])).toEqual(['record a', 'record b', 'record a']);
    expect(batches).toEqual([['a', 'b']]);
    await loaderOf({}).load('a');
    expect(batches).toEqual([['a', 'b'], ['a']]);
  });

  it('answers a primed key without a batch, keeps what a key has (loaded or primed), and rejects a primed error', async () => {
    const { loaderOf, batches } = loaderWithBatches();
    const loader = loaderOf({});
    loader.prime('p', 'primed p');
    loader.prime('p', 'primed again');
    expect(await loader.load('p')).toBe('primed p');
    expect(await loader.load('a')).toBe('record a');
    loader.prime('a', 'primed after the load');
    expect(await loader.load('a')).toBe('record a');
    loader.prime('e', new Error('gone'));
    await expect(loader.load('e')).rejects.toThrow('gone');
    expect(batches).toEqual([['a']]);
  });

  it('loads anew after a key or the whole loader is cleared, as after a mutation', async () => {
    const { loaderOf, batches } = loaderWithBatches();
    const loader = loaderOf({});
    loader.prime('p', 'primed p');
    await Promise.all([loader.load('a'), loader.load('b')]);
    loader.clear('a');
    expect(await loader.load('a')).toBe('record a');
    expect(await loader.load('b')).toBe('record b');
    loader.clearAll();
    await Promise.all([loader.load('b'), loader.load('p')]);
    expect(batches).toEqual([['a', 'b'], ['a'], ['b', 'p']]);
  });

  it('loads anew after a failed batch, which DataLoader clears key by key', async () => {
    let fail = true;
    const { loaderOf, batches } = loaderWithBatches((key) => {
      // Thrown, not answered: the whole batch fails.
      if (fail) throw new Error('vendor down');
      return `record ${key}`;
    });
    const loader = loaderOf({});
    await expect(loader.load('a')).rejects.toThrow('vendor down');
    fail = false;
    expect(await loader.load('a')).toBe('record a');
    expect(batches).toEqual([['a'], ['a']]);
  });
});
