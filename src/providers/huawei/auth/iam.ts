import type { UpstreamHttp } from '../../../infrastructure/upstream-http.js';
import { TransportError } from '../../../domain/errors.js';

/**
 * IAM password tokens (huawei.md C.1): one fetch at a time, cached until `refreshBeforeMs` before the
 * token's `expires_at`, dropped on `invalidate` when a service said 401.
 */

export interface IamTokenSourceOptions {
  /** The IAM endpoint (e.g. https://iam.cn-north-4.myhuaweicloud.com). */
  http: UpstreamHttp;
  user: string;
  password: string;
  /** The account (domain) name the user belongs to. */
  domain: string;
  project: { name?: string; id?: string };
  /** Fetch a new token this long before the current one expires; default 10 minutes. */
  refreshBeforeMs?: number;
  /** Epoch milliseconds; tests move time without sleeping. */
  clock?: () => number;
}

/** IAM refused to issue a token. Carries the status and code, never the credentials. */
export class IamError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly vendorCode: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'IamError';
  }
}

interface CachedToken {
  value: string;
  expiresAt: number;
}

const DEFAULT_REFRESH_BEFORE_MS = 10 * 60 * 1000;

export class IamTokenSource {
  private cached: CachedToken | null = null;
  private inFlight: Promise<CachedToken> | null = null;
  private readonly refreshBeforeMs: number;
  private readonly clock: () => number;

  constructor(private readonly opts: IamTokenSourceOptions) {
    if (!opts.project.name && !opts.project.id) throw new Error('IamTokenSource needs a project name or id');
    this.refreshBeforeMs = opts.refreshBeforeMs ?? DEFAULT_REFRESH_BEFORE_MS;
    this.clock = opts.clock ?? Date.now;
  }

  async token(): Promise<string> {
    if (this.cached && this.clock() < this.cached.expiresAt - this.refreshBeforeMs) return this.cached.value;
    this.inFlight ??= this.fetchToken().finally(() => {
      this.inFlight = null;
    });
    this.cached = await this.inFlight;
    return this.cached.value;
  }

  /** Closes the connection pool to IAM. */
  async close(): Promise<void> {
    await this.opts.http.close();
  }

  /** Forgets `token` if it is the cached one, so that the next `token()` fetches a new one. */
  invalidate(token: string): void {
    if (this.cached?.value === token) this.cached = null;
  }

  private async fetchToken(): Promise<CachedToken> {
    const { user, password, domain, project } = this.opts;
    const scopeProject = project.id ? { id: project.id } : { name: project.name };
    const response = await this.opts.http.request({
      method: 'POST',
      path: '/v3/auth/tokens?nocatalog=true',
      headers: { 'Content-Type': 'application/json;charset=utf8' },
      body: JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name: user, password, domain: { name: domain } } } },
          scope: { project: scopeProject },
        },
      }),
    });
    if (response.status !== 201) throw iamFailure(response.status, response.text);
    const header = response.headers['x-subject-token'];
    const value = Array.isArray(header) ? header[0] : header;
    const expiresAt = Date.parse(readExpiresAt(response.text) ?? '');
    if (!value || Number.isNaN(expiresAt)) {
      throw new TransportError('IAM answered 201 without X-Subject-Token or token.expires_at', false);
    }
    return { value, expiresAt };
  }
}

function readExpiresAt(text: string): string | undefined {
  try {
    return (JSON.parse(text) as { token?: { expires_at?: string } }).token?.expires_at;
  } catch {
    return undefined;
  }
}

/** Keystone answers `{"error":{"code","message","title"}}`; the gateway `{error_code,error_msg}`. */
function iamFailure(status: number, text: string): IamError {
  let code: string | null = null;
  let message = `IAM refused the token request with HTTP ${status}`;
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown }; error_code?: unknown; error_msg?: unknown };
    const rawCode = body.error?.code ?? body.error_code;
    const rawMessage = body.error?.message ?? body.error_msg;
    if (rawCode !== undefined) code = String(rawCode);
    if (typeof rawMessage === 'string') message = `IAM: ${rawMessage}`;
  } catch {
    // Not JSON: the status alone says what happened.
  }
  return new IamError(status, code, message);
}
