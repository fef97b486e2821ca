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
