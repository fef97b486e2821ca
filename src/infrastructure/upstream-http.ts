import { Pool, errors as undiciErrors } from 'undici';
import { TransportError } from '../domain/errors.js';
import { startUpstreamCall, type UpstreamIdentity } from './upstream-telemetry.js';

/**
 * Every upstream call goes through here: one undici Pool per vendor endpoint (keep-alive, bounded
 * connections), a deadline per request, and a single retry of idempotent requests whose connection
 * broke before an answer came. Non-idempotent requests are never retried here: a retried POST could
 * create a second backup.
 */

export interface UpstreamRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
  /** Path below the endpoint's own path prefix, with the query string already encoded. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Overrides the endpoint's default deadline. */
  timeoutMs?: number;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface UpstreamHttpOptions {
  timeoutMs: number;
  connections?: number;
  /** Who calls: labels the call's span, metrics and log lines. */
  identity?: UpstreamIdentity;
}

export class UpstreamHttp {
  readonly origin: string;
  /** The endpoint's path prefix (ZStack serves under `/zstack`), without a trailing slash. */
  readonly basePath: string;
  private readonly pool: Pool;

  constructor(
    endpoint: string,
    private readonly options: UpstreamHttpOptions,
  ) {
    const url = new URL(endpoint);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(this.origin, {
      connections: options.connections ?? 16,
      keepAliveTimeout: 4_000,
    });
  }

  /** host[:port] as a signer must see it. */
  get host(): string {
    return new URL(this.origin).host;
  }

  async request(request: UpstreamRequest): Promise<UpstreamResponse> {
    const idempotent = request.method === 'GET' || request.method === 'HEAD';
    try {
      return await this.send(request);
    } catch (error) {
      if (idempotent && error instanceof TransportError && !error.timedOut) return this.send(request);
      throw error;
    }
  }

  /** Idempotent: a pool shared by several owners (an IAM endpoint, say) may be closed by each. */
  async close(): Promise<void> {
    if (!this.pool.closed && !this.pool.destroyed) await this.pool.close();
  }

  private async send(request: UpstreamRequest): Promise<UpstreamResponse> {
    const timeout = request.timeoutMs ?? this.options.timeoutMs;
    const attempt = startUpstreamCall(this.options.identity, request.method, this.basePath + request.path, request.headers ?? {});
    try {
      const response = await this.pool.request({
        method: request.method,
        path: this.basePath + request.path,
        headers: attempt.headers,
        body: request.body,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal: AbortSignal.timeout(timeout),
      });
      const text = await response.body.text();
      attempt.answered(response.statusCode, text);
      return { status: response.statusCode, headers: response.headers, text };
    } catch (error) {
      const failure = asTransportError(error, `${request.method} ${this.origin}${this.basePath}${pathOnly(request.path)}`);
      attempt.failed(failure.timedOut, failure.timedOut ? 'timed out' : ((error as Error).message ?? 'failed'));
      throw failure;
    }
  }
}

function asTransportError(error: unknown, what: string): TransportError {
  const timedOut =
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'));
  const reason = timedOut ? 'timed out' : ((error as Error).message ?? 'failed');
  return new TransportError(`${what} ${reason}`, timedOut, { cause: error });
}

/** Query strings can carry vendor filters; logs and errors keep the path only. */
function pathOnly(path: string): string {
  const index = path.indexOf('?');
  return index < 0 ? path : path.slice(0, index);
}

/** Parses a vendor's JSON body; a body that is not JSON is the vendor breaking its protocol. */
export function parseJson<T = unknown>(response: UpstreamResponse, what: string): T {
  try {
    return JSON.parse(response.text) as T;
  } catch {
    throw new TransportError(`${what} answered HTTP ${response.status} with a body that is not JSON`, false);
  }
}
