import type { Logger } from './logger.js';

/**
 * How an upstream failure is logged: one warn line with what an operator needs (provider, route
 * template, status, vendor code, duration; the request id comes from the logger's mixin), never a
 * stack, since the failure is the vendor's and expected. A vendor in trouble fails the same way
 * hundreds of times a second, so identical failures (same provider, route, status, code) are
 * written once per window; the next line written for them says how many were left out.
 */

export interface UpstreamFailure {
  method: string;
  /** The path with ids replaced by `{id}`: one route, one log key. */
  route: string;
  /** HTTP status, or `null` when no answer came (timeout, refused, dropped, rejected). */
  status: number | null;
  vendorCode: string | null;
  /** What went wrong without an answer: `timeout`, `ECONNREFUSED`, `CIRCUIT_OPEN` ... */
  reason: string | null;
  durationMs: number;
  attempts: number;
}

export const DEFAULT_LOG_WINDOW_MS = 10_000;

export class UpstreamFailureLog {
  private readonly windows = new Map<string, { until: number; suppressed: number }>();

  constructor(
    private readonly log: Logger | undefined,
    private readonly provider: string,
    private readonly windowMs = DEFAULT_LOG_WINDOW_MS,
  ) {}

  report(failure: UpstreamFailure): void {
    if (!this.log) return;
    const key = `${failure.method} ${failure.route}|${failure.status}|${failure.vendorCode}|${failure.reason}`;
    const now = Date.now();
    const window = this.windows.get(key);
    if (window && window.until > now) {
      window.suppressed += 1;
      return;
    }
    this.windows.set(key, { until: now + this.windowMs, suppressed: 0 });
    if (this.windows.size > 1_000) this.forgetExpired(now);
    const repeated = window?.suppressed ? { repeatedSinceLastLine: window.suppressed } : {};
    this.log.warn({ provider: this.provider, ...failure, ...repeated }, 'upstream call failed');
  }

  private forgetExpired(now: number): void {
    for (const [key, window] of this.windows) if (window.until <= now) this.windows.delete(key);
  }
}

/** Segments that carry an id (long, with a digit: uuids, project ids, vendor ids) become `{id}`. */
export function routeTemplate(path: string): string {
  const index = path.indexOf('?');
  const bare = index < 0 ? path : path.slice(0, index);
  return bare
    .split('/')
    .map((segment) => (segment.length >= 16 && /\d/.test(segment) ? '{id}' : segment))
    .join('/');
}

/** The vendor's error code in a JSON error body, whichever of the usual shapes it has. */
export function vendorCodeOf(text: string): string | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null) return null;
  const record = body as Record<string, unknown>;
  const nested = record.error && typeof record.error === 'object' ? (record.error as Record<string, unknown>).code : undefined;
  const code = nested ?? record.error_code ?? record.code;
  return code === undefined || code === null ? null : String(code);
}
