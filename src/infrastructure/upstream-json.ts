import { TransportError } from '../domain/errors.js';
import type { UpstreamResponse } from './upstream-http.js';

/** Parses a vendor's JSON body; a body that is not JSON is the vendor breaking its protocol. */
export function parseJson<T = unknown>(response: UpstreamResponse, what: string): T {
  try {
    return JSON.parse(response.text) as T;
  } catch {
    throw new TransportError(`${what} answered HTTP ${response.status} with a body that is not JSON`, false);
  }
}

/**
 * The parsed JSON of the body each read route (path and query) answered last, given again while the
 * route answers the very same text. Consoles ask the same listings over and over and the vendor mostly
 * answers them unchanged; parsing those bodies (and collecting what the parse allocated) was the
 * largest cost of the gateway's own on the dashboard.
 *
 * Safe for every caller: a value is only given for the exact text it was parsed from (the whole text
 * is compared, not a hash), and it is deep-frozen before it is shared, so no caller can change what
 * another one reads (a write to it throws in our strict-mode modules). Memory is bounded: at most
 * `maxChars` of text over all routes of one endpoint (1 Mi: some 30 dashboard listings of 50 rows),
 * the oldest route forgotten first, and a body larger than a quarter of that is parsed and not kept.
 */
export class ParsedBodies {
  private readonly last = new Map<string, { text: string; value: unknown }>();
  private chars = 0;

  constructor(private readonly maxChars = 1024 * 1024) {}

  parse<T>(route: string, response: UpstreamResponse, what: string): T {
    const { text } = response;
    const known = this.last.get(route);
    if (known !== undefined && known.text === text) return known.value as T;
    const value = deepFreeze(parseJson<T>(response, what));
    this.forget(route);
    if (text.length <= this.maxChars / 4) {
      this.last.set(route, { text, value });
      this.chars += text.length;
      for (const [oldest, entry] of this.last) {
        if (this.chars <= this.maxChars) break;
        this.last.delete(oldest);
        this.chars -= entry.text.length;
      }
    }
    return value;
  }

  private forget(route: string): void {
    const known = this.last.get(route);
    if (known === undefined) return;
    this.last.delete(route);
    this.chars -= known.text.length;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (const item of value) deepFreeze(item);
  } else {
    for (const key in value) deepFreeze(value[key]);
  }
  return value;
}
