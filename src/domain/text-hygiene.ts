/**
 * Characters no name, description, tag or filter may carry to a vendor: C0 and C1 controls (Cc:
 * NUL, newlines included: vendors write these strings into logs, headers and tag lists), line and
 * paragraph separators, every format character (Cf: the direction marks and overrides that make a
 * name read differently from what it is, U+202E turning "exe.txt" around; zero-width space and
 * joiners, BOM, word joiner, U+180E and the tag characters U+E0000-U+E007F that make two names
 * look alike), and lone surrogates (Cs: no vendor can store half a character). One rule for every
 * vendor; separators that mean something to one vendor only (ZStack's `::` in tags) are that
 * vendor's constraint.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029]/u;

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
