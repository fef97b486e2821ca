/**
 * `compute` with its answers remembered per input text, for pure functions the per-row path calls
 * with the same texts request after request (a refreshed page repeats its rows). The memory starts
 * over once it holds `max` texts, so inputs a client chooses cannot grow it without bound.
 */
export function remembered<V>(compute: (text: string) => V, max = 10_000): (text: string) => V {
  const known = new Map<string, V>();
  return (text) => {
    const seen = known.get(text);
    if (seen !== undefined || known.has(text)) return seen as V;
    const value = compute(text);
    if (known.size >= max) known.clear();
    known.set(text, value);
    return value;
  };
}

/**
 * `remembered` for a function of two texts, looked up by each text in turn rather than by the two
 * joined: a joined key is a new string per call, hashed anew, while the parts (a type name, a
 * provider key, a vendor id out of a remembered vendor body) are the same strings each time, whose
 * hashes V8 keeps. Starts over once it holds `max` answers.
 */
export function rememberedPairs<V>(compute: (first: string, second: string) => V, max = 10_000): (first: string, second: string) => V {
  const known = new Map<string, Map<string, V>>();
  let size = 0;
  return (first, second) => {
    let answers = known.get(first);
    if (answers !== undefined) {
      const seen = answers.get(second);
      if (seen !== undefined || answers.has(second)) return seen as V;
    }
    const value = compute(first, second);
    if (size >= max) {
      known.clear();
      size = 0;
      answers = undefined;
    }
    if (answers === undefined) known.set(first, (answers = new Map()));
    answers.set(second, value);
    size += 1;
    return value;
  };
}
