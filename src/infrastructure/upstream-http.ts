import { ExponentialBackoff, fullJitterGenerator, type IBackoff } from 'cockatiel';
import { Pool, errors as undiciErrors } from 'undici';
import { TransportError, UpstreamRejection } from '../domain/errors.js';
import { currentDeadline } from './logger.js';
import { chargeUpstreamCall } from './upstream-budget.js';
import { DEFAULT_UPSTREAM_SETTINGS, isTransientResponse, MIN_ATTEMPT_MS, UpstreamGuard, type CallKind } from './upstream-guard.js';
import { routeTemplate, vendorCodeOf } from './upstream-log.js';
import { startUpstreamCall, type UpstreamIdentity } from './upstream-telemetry.js';
import { ParsedBodies, parseJson } from './upstream-json.js';

/**
 * Every upstream call goes through here: one undici Pool per vendor endpoint (keep-alive), the
 * provider's guard (circuit breaker, read and write lanes, failure log), a deadline per attempt
 * that never outlives the GraphQL request's own (taken from the request scope), and retries of the
 * calls that cannot duplicate anything.
 *
 * Retries: only a call marked idempotent (GET and HEAD are; a ZStack POST is when it carries its
 * X-Job-UUID) is sent again, after a dropped or refused connection or a transient answer (see
 * `isTransientResponse`), with exponential backoff and full jitter, after at least the Retry-After
 * the vendor asked for, and only while the request's deadline leaves room. A call that timed out is
 * not retried: the vendor is slow, and a second wait would only press it harder. A non-idempotent
 * call is never re-sent here: a retried POST could create a second backup.
 */

export interface UpstreamRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
  /** Path below the endpoint's own path prefix, with the query string already encoded. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Overrides the endpoint's default per-attempt timeout. */
  timeoutMs?: number;
  /** The vendor deduplicates this call, so sending it twice is safe; GET and HEAD always are. */
  idempotent?: boolean;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface UpstreamHttpOptions {
  timeoutMs: number;
  /** The provider's guard; a private one with the defaults (and no log) when absent. */
  guard?: UpstreamGuard;
  /** Who calls: labels the call's span and metrics. */
  identity?: UpstreamIdentity;
}

export class UpstreamHttp {
  readonly origin: string;
  /** The endpoint's path prefix (ZStack serves under `/zstack`), without a trailing slash. */
  readonly basePath: string;
  readonly guard: UpstreamGuard;
  private readonly pool: Pool;
  private readonly bodies = new ParsedBodies();

  constructor(
    endpoint: string,
    private readonly options: UpstreamHttpOptions,
  ) {
    const url = new URL(endpoint);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.guard = options.guard ?? new UpstreamGuard(url.host, DEFAULT_UPSTREAM_SETTINGS);
    const { reads, writes } = this.guard.settings;
    this.pool = new Pool(this.origin, { connections: reads.concurrency + writes.concurrency, keepAliveTimeout: 4_000 });
  }

  /** host[:port] as a signer must see it. */
  get host(): string {
    return new URL(this.origin).host;
  }

  async request(request: UpstreamRequest): Promise<UpstreamResponse> {
    const read = request.method === 'GET' || request.method === 'HEAD';
    const kind: CallKind = read ? 'read' : 'write';
    const retryable = request.idempotent ?? read;
    const deadline = currentDeadline() ?? Number.POSITIVE_INFINITY;
    const { retry } = this.guard.settings;
    const started = Date.now();
    let backoff: IBackoff<unknown> | undefined;
    for (let attempt = 1; ; attempt += 1) {
      let response: UpstreamResponse | undefined;
      let failure: unknown;
      // Refused past the operation's budget before anything is sent; not the vendor's failure, so not reported.
      const charged = chargeUpstreamCall(attempt > 1 ? 'retry' : kind, this.guard.providerName);
      if (charged) await charged;
      try {
        response = await this.guard.attempt(kind, deadline, () => this.send(request, deadline));
      } catch (error) {
        failure = error;
      }
      const transient = response ? isTransientResponse(response) : isRetryableError(failure);
      if (retryable && transient && attempt < retry.maxAttempts) {
        backoff = backoff ? backoff.next(undefined) : backoffOf(retry).next();
        const delay = Math.max(backoff.duration, response ? (retryAfterMs(response) ?? 0) : 0);
        if (delay <= retry.maxDelayMs && Date.now() + delay + MIN_ATTEMPT_MS < deadline) {
          await new Promise((resolve) => setTimeout(resolve, delay));
          continue;
        }
      }
      if (failure !== undefined || transient || response!.status >= 500) this.report(request, response, failure, started, attempt);
      if (failure !== undefined) throw failure;
      return response!;
    }
  }

  /**
   * The JSON body of the answer to `request`. A read's is the same frozen object while its path
   * answers the same text (see ParsedBodies): a caller copies what it means to change.
   */
  json<T>(request: UpstreamRequest, response: UpstreamResponse, what: string): T {
    return request.method === 'GET' ? this.bodies.parse<T>(request.path, response, what) : parseJson<T>(response, what);
  }

  /** Idempotent: a pool shared by several owners (an IAM endpoint, say) may be closed by each. */
  async close(): Promise<void> {
    if (!this.pool.closed && !this.pool.destroyed) await this.pool.close();
  }

  private async send(request: UpstreamRequest, deadline: number): Promise<UpstreamResponse> {
    // The guard has checked that the deadline leaves at least MIN_ATTEMPT_MS.
    const timeout = Math.max(1, Math.min(request.timeoutMs ?? this.options.timeoutMs, deadline - Date.now()));
    const attempt = startUpstreamCall(this.options.identity, request.method, this.basePath + request.path, request.headers ?? {});
    // A timer cleared as soon as the answer is read, rather than AbortSignal.timeout's, which stays
    // armed for the whole timeout behind a WeakRef and a finalizer: three of those per query.
    const timer = new AbortController();
    const cut = setTimeout(() => timer.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), timeout).unref();
    try {
      const response = await this.pool.request({
        method: request.method,
        path: this.basePath + request.path,
        headers: attempt.headers,
        body: request.body,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal: timer.signal,
      });
      const text = await response.body.text();
      attempt.answered(response.statusCode, text);
      return { status: response.statusCode, headers: response.headers, text };
    } catch (error) {
      const failure = asTransportError(error, `${request.method} ${this.origin}${this.basePath}${pathOnly(request.path)}`);
      attempt.failed(failure.timedOut, failure.timedOut ? 'timed out' : ((error as Error).message ?? 'failed'));
      throw failure;
    } finally {
      clearTimeout(cut);
    }
  }

  private report(request: UpstreamRequest, response: UpstreamResponse | undefined, failure: unknown, started: number, attempts: number): void {
    if (failure !== undefined && !(failure instanceof TransportError)) return;
    this.guard.failures.report({
      method: request.method,
      route: routeTemplate(this.basePath + request.path),
      status: response?.status ?? null,
      vendorCode: response ? vendorCodeOf(response.text) : null,
      reason: failure === undefined ? null : reasonOf(failure as TransportError),
      durationMs: Date.now() - started,
      attempts,
    });
  }
}

function backoffOf(retry: { baseDelayMs: number; maxDelayMs: number }): ExponentialBackoff<number> {
  return new ExponentialBackoff({ generator: fullJitterGenerator, initialDelay: retry.baseDelayMs, maxDelay: retry.maxDelayMs });
}

function isRetryableError(error: unknown): boolean {
  return error instanceof TransportError && !(error instanceof UpstreamRejection) && !error.timedOut;
}

/** Retry-After in seconds or as an HTTP date; `null` when absent or unreadable. */
function retryAfterMs(response: UpstreamResponse): number | null {
  const header = response.headers['retry-after'];
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

function asTransportError(error: unknown, what: string): TransportError {
  const timedOut =
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'));
  const code = errorCodeOf(error);
  const reason = timedOut ? 'timed out' : ((error as Error).message ?? 'failed');
  return new TransportError(`${what} ${reason}`, timedOut, { cause: error, socketCode: code, maybeSent: !(code && NOT_SENT_CODES.has(code)) });
}

function errorCodeOf(error: unknown): string | undefined {
  const own = (error as { code?: unknown })?.code;
  if (typeof own === 'string') return own;
  const cause = (error as { cause?: { code?: unknown } })?.cause?.code;
  return typeof cause === 'string' ? cause : undefined;
}

function reasonOf(error: TransportError): string {
  if (error instanceof UpstreamRejection) return error.reason;
  if (error.timedOut) return 'timeout';
  return error.socketCode ?? 'transport';
}

/** Query strings can carry vendor filters; logs and errors keep the path only. */
function pathOnly(path: string): string {
  const index = path.indexOf('?');
  return index < 0 ? path : path.slice(0, index);
}
