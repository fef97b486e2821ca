import { createHash } from 'node:crypto';
import { TransportError, VendorError } from '../../domain/errors.js';
import type { CircuitStatus, UpstreamGuard } from '../../infrastructure/upstream-guard.js';
import { UpstreamHttp, type UpstreamRequest, type UpstreamResponse } from '../../infrastructure/upstream-http.js';
import { parseJson } from '../../infrastructure/upstream-json.js';
import type { ProviderKey } from '../../domain/provider.js';
import { BoundedMap } from '../../domain/bounded-map.js';
import { isZStackUuid, resubmissionsBetween, successorJobUuid } from './ids.js';
import { jobUuidOfLocation, stripQuery, zstackErrorCode, zstackErrorOf } from './wire.js';
import { buildQueryString, chunkValues, condition, DEFAULT_CHUNK_LIMITS, type ChunkLimits, type QueryOptions } from './query.js';

/**
 * The ZStack REST v1 wire client: one session shared by every caller, the async job protocol, the
 * Query API, and ZStack's error shapes turned into VendorError / TransportError.
 *
 * Session: login is lazy and shared (concurrent callers await one login). A call answered with
 * ID.1001 (invalid or expired session) drops that session, logs in again once and repeats the call
 * once. The session uuid and the password never appear in an error message.
 *
 * Async calls and ID.1001: ZStack accepts an async call (202) before it checks the session, so a
 * stale session shows up as the *job* ending with 503 ID.1001. That job created nothing, but its job
 * uuid is now taken (reusing it answers `400 Duplicate job uuid`). The client therefore resubmits
 * under a *successor* job uuid derived from the first one, after a fresh login (a successor that
 * met a stale session too gets its own, up to MAX_RESUBMISSIONS), and `pollJob(first)` follows the
 * last from then on. Because successors are derived, not random, a repeated create with the same
 * idempotency-derived job uuid — in this process or another — lands on the same successors and
 * follows them instead of creating a second resource; and a process that only knows the first uuid
 * still finds them. A job that ends with any other error is never resubmitted.
 */

export interface ZStackClientConfig {
  /** E.g. `http://host:8080/zstack`; every path below is under `/v1`. */
  endpoint: string;
  accountName: string;
  /** Clear text; only its SHA-512 hex digest is kept and sent. */
  password: string;
  /** IANA zone of the management node: ZStack prints dates in it without a zone marker. */
  timeZone: string;
  timeoutMs: number;
  /** Stamped on every VendorError. */
  providerKey: ProviderKey;
  /** Interval of `waitForJob`; the ZStack SDKs use 1 s. */
  pollIntervalMs?: number;
  chunkLimits?: ChunkLimits;
  /** Sent as X-Web-Hook on every async call: ZStack POSTs the job's result there when it ends. */
  webhookUrl?: string;
  /** The provider's circuit breaker and queues. */
  guard?: UpstreamGuard;
}

export interface QueryResult<T> {
  inventories: T[];
  /** Present when the query asked for `replyWithCount`. */
  total: number | null;
}

export interface AsyncCall {
  method: 'POST' | 'PUT' | 'DELETE';
  /** Below `/v1`, path segments already encoded, query string included. */
  path: string;
  body?: unknown;
  /** X-Job-UUID: 32 lower-case hex; a deterministic one makes a repeated call follow the same job. */
  jobUuid: string;
}

/** Where a job stands; `jobUuid` is the job actually followed (a successor after a re-login). */
export type JobPoll =
  | { state: 'running'; jobUuid: string }
  | { state: 'succeeded'; jobUuid: string; result: unknown }
  | { state: 'failed'; jobUuid: string; error: VendorError }
  /** ZStack no longer knows the job (never existed, or purged after 3 h). */
  | { state: 'expired'; jobUuid: string };

interface Session {
  promise: Promise<string>;
  /** Known once the login answered. */
  uuid: string | null;
}

interface Submission {
  call: AsyncCall;
  /** The session the job was submitted with (or found with, after `Duplicate job uuid`). */
  sessionUuid: string;
}

const SESSION_EXPIRED = 'ID.1001';
const QUERY_PAGE_SIZE = 1000;
/** How many submissions (and re-login successors) the client remembers for ID.1001 recovery. */
const REMEMBERED_SUBMISSIONS = 2000;
const MAX_ERROR_TEXT = 300;
/** Resubmissions of one call after ID.1001: each follows a fresh login, so more means the vendor refuses every session. */
const MAX_RESUBMISSIONS = 3;

export class ZStackClient {
  readonly timeZone: string;
  readonly providerKey: ProviderKey;
  private readonly http: UpstreamHttp;
  private readonly accountName: string;
  private readonly passwordSha512: string;
  private readonly pollIntervalMs: number;
  private readonly chunkLimits: ChunkLimits;
  private readonly jobHeaders: Record<string, string>;
  private session: Session | null = null;
  /** Every session uuid this client held: scrubbed from vendor texts before they become errors. */
  private readonly knownSessionUuids = new Set<string>();
  private readonly submissions = new BoundedMap<string, Submission>(REMEMBERED_SUBMISSIONS);
  private readonly successors = new BoundedMap<string, string>(REMEMBERED_SUBMISSIONS);
  private readonly resubmissions = new Map<string, Promise<void>>();
  private closing: Promise<void> | null = null;

  constructor(config: ZStackClientConfig) {
    this.http = new UpstreamHttp(config.endpoint, {
      timeoutMs: config.timeoutMs,
      guard: config.guard,
      identity: { provider: 'zstack', providerKey: config.providerKey, vendorCodeOf: zstackErrorCode },
    });
    this.accountName = config.accountName;
    this.passwordSha512 = createHash('sha512').update(config.password, 'utf8').digest('hex');
    this.timeZone = config.timeZone;
    this.providerKey = config.providerKey;
    this.pollIntervalMs = config.pollIntervalMs ?? 1000;
    this.chunkLimits = config.chunkLimits ?? DEFAULT_CHUNK_LIMITS;
    this.jobHeaders = config.webhookUrl ? { 'x-web-hook': config.webhookUrl } : {};
  }

  get circuit(): CircuitStatus {
    return this.http.guard.circuit;
  }

  /** A sync GET (Query API and other read APIs); `path` is below `/v1`. */
  async get<T>(path: string): Promise<T> {
    return this.callSync<T>({ method: 'GET', path: `/v1${path}` }, `GET ${stripQuery(path)}`);
  }

  /** `GET /v1/<resource>?q=...`: one page of a Query API. */
  async query<T>(resource: string, options: QueryOptions = {}): Promise<QueryResult<T>> {
    const query = buildQueryString(options);
    const body = await this.get<{ inventories?: T[]; total?: number }>(`/${resource}${query ? `?${query}` : ''}`);
    return { inventories: body.inventories ?? [], total: typeof body.total === 'number' ? body.total : null };
  }

  /** Every match of the conditions, fetched page by page (ZStack's default page is 1000 rows). */
  async queryAll<T>(resource: string, options: Omit<QueryOptions, 'limit' | 'start' | 'replyWithCount'> = {}): Promise<T[]> {
    const rows: T[] = [];
    for (let start = 0; ; start += QUERY_PAGE_SIZE) {
      const page = await this.query<T>(resource, { ...options, limit: QUERY_PAGE_SIZE, start });
      rows.push(...page.inventories);
      if (page.inventories.length < QUERY_PAGE_SIZE) return rows;
    }
  }

  /**
   * Every row whose `field` is one of `values`: `field?=a,b,c` split into chunks that keep each URL
   * short, the chunks fetched in parallel.
   */
  async queryIn<T>(resource: string, field: string, values: readonly string[], conditions: readonly string[] = []): Promise<T[]> {
    const chunks = chunkValues(values, this.chunkLimits);
    const pages = await Promise.all(
      chunks.map((chunk) => this.queryAll<T>(resource, { conditions: [...conditions, condition.in(field, chunk)] })),
    );
    return pages.flat();
  }

  /** Rows by uuid, in the order asked, `null` where ZStack has none. */
  async getByUuids<T extends { uuid: string }>(resource: string, uuids: readonly string[]): Promise<(T | null)[]> {
    const rows = await this.queryIn<T>(resource, 'uuid', uuids);
    const byUuid = new Map(rows.map((row) => [row.uuid, row]));
    return uuids.map((uuid) => byUuid.get(uuid) ?? null);
  }

  /**
   * Submits an async API call and returns the uuid of the job to follow. `400 Duplicate job uuid`
   * means the job already exists (a repeated call with the same X-Job-UUID): it is followed, not
   * created again.
   */
  async startJob(call: AsyncCall): Promise<string> {
    if (!isZStackUuid(call.jobUuid)) throw new Error('X-Job-UUID must be 32 lower-case hex digits');
    return this.submit(call, call.jobUuid, true);
  }

  /** One look at a job: GET `/v1/api-jobs/<uuid>` (202 running, 200 result, 503 error, 404 expired). */
  async pollJob(jobUuid: string): Promise<JobPoll> {
    let poll = await this.lookAtJob(this.successors.get(jobUuid) ?? jobUuid);
    // The session may expire again between the re-login and the resubmission: each successor that met a stale session gets its own.
    for (let hop = resubmissionsBetween(jobUuid, poll.jobUuid, MAX_RESUBMISSIONS); hop < MAX_RESUBMISSIONS && poll.state === 'failed' && poll.error.vendorCode === SESSION_EXPIRED; hop += 1) {
      const next = await this.recoverFromStaleSession(poll.jobUuid);
      if (!next) break;
      poll = next;
      this.successors.set(jobUuid, poll.jobUuid);
    }
    return poll;
  }

  /** Polls every `pollIntervalMs` until the job ends or `timeoutMs` passes (then the last answer). */
  async waitForJob(jobUuid: string, timeoutMs: number): Promise<JobPoll> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const poll = await this.pollJob(jobUuid);
      if (poll.state !== 'running' || Date.now() + this.pollIntervalMs > deadline) return poll;
      await new Promise((resolve) => setTimeout(resolve, this.pollIntervalMs));
    }
  }

  /** Logs out (best effort) and closes the connection pool; later calls return the same promise. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    const session = this.session;
    this.session = null;
    const uuid = session ? await session.promise.catch(() => null) : null;
    if (uuid) {
      await this.http
        .request({ method: 'DELETE', path: `/v1/accounts/sessions/${encodeURIComponent(uuid)}` })
        .catch(() => undefined);
    }
    this.http.guard.close();
    await this.http.close();
  }

  // --- session -------------------------------------------------------------------------------

  private currentSession(): Promise<string> {
    // Waiting on another caller's login is a call of this caller's own, as the circuit counts.
    if (this.session) return this.session.uuid === null ? this.http.guard.waitOnShared(this.session.promise) : this.session.promise;
    const session: Session = { promise: this.login(), uuid: null };
    session.promise.then(
      (uuid) => {
        session.uuid = uuid;
      },
      () => {
        if (this.session === session) this.session = null;
      },
    );
    this.session = session;
    return session.promise;
  }

  /** Forgets `stale` unless someone already replaced it, so N callers that hit ID.1001 log in once. */
  private dropSession(stale: string): void {
    if (this.session?.uuid === stale) this.session = null;
  }

  private async login(): Promise<string> {
    const login: UpstreamRequest = {
      method: 'PUT',
      path: '/v1/accounts/login',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ logInByAccount: { accountName: this.accountName, password: this.passwordSha512 } }),
    };
    const response = await this.http.request(login);
    const body = this.expectOk<{ inventory?: { uuid?: string } }>(login, response, 'login');
    const uuid = body.inventory?.uuid;
    if (typeof uuid !== 'string' || uuid === '') {
      throw new TransportError('ZStack login answered without a session uuid', false);
    }
    this.knownSessionUuids.add(uuid);
    return uuid;
  }

  private withSession(request: UpstreamRequest, sessionUuid: string, extra: Record<string, string> = {}): UpstreamRequest {
    return { ...request, headers: { ...request.headers, ...extra, authorization: `OAuth ${sessionUuid}` } };
  }

  private async callSync<T>(request: UpstreamRequest, what: string): Promise<T> {
    let sessionUuid = await this.currentSession();
    let response = await this.http.request(this.withSession(request, sessionUuid));
    if (this.isSessionExpired(response)) {
      this.dropSession(sessionUuid);
      sessionUuid = await this.currentSession();
      response = await this.http.request(this.withSession(request, sessionUuid));
    }
    return this.expectOk<T>(request, response, what);
  }

  // --- async jobs ----------------------------------------------------------------------------

  private async submit(call: AsyncCall, jobUuid: string, mayRelogin: boolean): Promise<string> {
    const sessionUuid = await this.currentSession();
    const request: UpstreamRequest = {
      method: call.method,
      path: `/v1${call.path}`,
      ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
      headers: call.body === undefined ? {} : { 'content-type': 'application/json' },
    };
    // The X-Job-UUID makes a resend safe: ZStack answers a repeated uuid with `Duplicate job uuid`, which is followed.
    const response = await this.http.request({ ...this.withSession(request, sessionUuid, { ...this.jobHeaders, 'x-job-uuid': jobUuid }), idempotent: true });
    const what = `${call.method} ${stripQuery(call.path)}`;
    if (response.status === 202) {
      this.submissions.set(jobUuid, { call, sessionUuid });
      return jobUuidOfLocation(parseJson<{ location?: unknown }>(response, what).location, what);
    }
    if (response.status === 400 && /^Duplicate job uuid/i.test(response.text.trim())) {
      this.submissions.set(jobUuid, { call, sessionUuid });
      return jobUuid;
    }
    // Some deployments reject a stale session before accepting the job; nothing was created then.
    if (mayRelogin && this.isSessionExpired(response)) {
      this.dropSession(sessionUuid);
      return this.submit(call, successorJobUuid(jobUuid), false);
    }
    throw this.errorOf(response, what);
  }

  private async lookAtJob(jobUuid: string): Promise<JobPoll> {
    const sessionUuid = await this.currentSession();
    const path = `/v1/api-jobs/${encodeURIComponent(jobUuid)}`;
    const response = await this.http.request(this.withSession({ method: 'GET', path }, sessionUuid));
    const what = 'GET /v1/api-jobs';
    switch (response.status) {
      case 202:
        return { state: 'running', jobUuid };
      case 200:
        return { state: 'succeeded', jobUuid, result: response.text.trim() === '' ? {} : parseJson(response, what) };
      case 404:
        return { state: 'expired', jobUuid };
      case 503:
        return { state: 'failed', jobUuid, error: this.vendorErrorOf(response) };
      default:
        throw this.errorOf(response, what);
    }
  }

  /**
   * The job failed only because its session was stale: resubmit it once under the successor uuid
   * (when this client remembers the call), else follow the successor if someone else created it;
   * `null` when there is none.
   */
  private async recoverFromStaleSession(jobUuid: string): Promise<JobPoll | null> {
    const successor = successorJobUuid(jobUuid);
    await this.resubmitOnce(jobUuid, successor);
    const poll = await this.lookAtJob(successor);
    return poll.state === 'expired' ? null : poll;
  }

  /** Concurrent pollers of one failed job share one resubmission. */
  private resubmitOnce(jobUuid: string, successor: string): Promise<void> {
    const submission = this.submissions.get(jobUuid);
    if (!submission) return this.resubmissions.get(jobUuid) ?? Promise.resolve();
    this.submissions.delete(jobUuid);
    this.dropSession(submission.sessionUuid);
    const resubmission = this.submit(submission.call, successor, false).then(
      () => {
        this.resubmissions.delete(jobUuid);
      },
      (error: unknown) => {
        this.resubmissions.delete(jobUuid);
        this.submissions.set(jobUuid, submission);
        throw error;
      },
    );
    this.resubmissions.set(jobUuid, resubmission);
    return resubmission;
  }

  // --- answers -------------------------------------------------------------------------------

  private isSessionExpired(response: UpstreamResponse): boolean {
    return response.status === 503 && zstackErrorOf(response.text)?.code === SESSION_EXPIRED;
  }

  /** The body of a 200 answer to `request`; a read's is frozen and shared (see UpstreamHttp.json). */
  private expectOk<T>(request: UpstreamRequest, response: UpstreamResponse, what: string): T {
    if (response.status === 200) return (response.text.trim() === '' ? {} : this.http.json<T>(request, response, what)) as T;
    throw this.errorOf(response, what);
  }

  /**
   * 503 `{"error": ErrorCode}` keeps ZStack's code; any other non-2xx (plain-text 4xx from the REST
   * layer, a proxy's 5xx page) keeps its trimmed text. A 2xx here is a protocol break.
   */
  private errorOf(response: UpstreamResponse, what: string): Error {
    if (response.status >= 200 && response.status < 300) {
      return new TransportError(`${what} answered HTTP ${response.status}, which the ZStack protocol does not use there`, false);
    }
    return this.vendorErrorOf(response);
  }

  private vendorErrorOf(response: UpstreamResponse): VendorError {
    const error = zstackErrorOf(response.text);
    if (error) {
      const message = error.details || error.description || `ZStack error ${error.code ?? 'without a code'}`;
      return new VendorError(this.providerKey, error.code ?? null, response.status, this.scrub(message));
    }
    const text = response.text.trim() || `HTTP ${response.status}`;
    return new VendorError(this.providerKey, null, response.status, this.scrub(text));
  }

  /** Vendor texts may echo a session uuid (e.g. "session[uuid:...] expired"); they never leave here with it. */
  private scrub(text: string): string {
    let scrubbed = text;
    for (const uuid of this.knownSessionUuids) scrubbed = scrubbed.split(uuid).join('<session>');
    scrubbed = scrubbed.split(this.passwordSha512).join('<password>');
    return scrubbed.length > MAX_ERROR_TEXT ? `${scrubbed.slice(0, MAX_ERROR_TEXT)}…` : scrubbed;
  }
}

