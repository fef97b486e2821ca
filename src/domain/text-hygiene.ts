/**
 * Characters no name, description, tag or filter may carry to a vendor: C0 and C1 controls (NUL,
 * newlines included: vendors write these strings into logs, headers and tag lists), and the
 * invisible direction marks and overrides that make a name read differently from what it is
 * (U+202E turns "exe.txt" around). One rule for every vendor; separators that mean something to
 * one vendor only (ZStack's `::` in tags) are that vendor's constraint.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/u;

export function unsafeCharacterIn(text: string): string | null {
  const match = UNSAFE.exec(text);
  return match ? `U+${match[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : null;
}

/** The first string field of `value` (a mutation's request) that holds an unsafe character, with its path. */
export function findUnsafeText(value: unknown, path = ''): { field: string; character: string } | null {
  if (typeof value === 'string') {
    const character = unsafeCharacterIn(value);
    return character ? { field: path, character } : null;
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findUnsafeText(item, `${path}[${index}]`);
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = findUnsafeText(item, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return null;
}
